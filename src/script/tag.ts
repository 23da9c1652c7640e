// The script-tag build (dist/touchtrail.min.js): the only module with side effects. It starts the tag's tracker with
// every capture but web vitals, which touchtrail.vitals.min.js adds.
import { startTag } from './startTag';

startTag();
