// jsdom has no IndexedDB: fake-indexeddb supplies one, fresh for every test file.
import 'fake-indexeddb/auto';
