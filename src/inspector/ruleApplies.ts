import type { TouchpointRule } from '../journey/parseRules';
import { matchPath } from '../lib/matchPath';

/** What a rule's conditions are checked against: as journeyStages sees a touchpoint. */
export interface RuleFacts {
  /** The element the visitor acted on, when known; a rule with a selector applies only with one. */
  element?: Element;
  /** The page's path. */
  path: string;
  /** The names the touchpoint may answer to: its event and its touchpoint name. */
  names: unknown[];
  kind?: unknown;
  /** The landing URL's utm_medium, in any case. */
  medium?: string;
}

/** Whether every condition of `rule` holds, as journeyStages checks them. Never throws. */
export const ruleApplies = (rule: TouchpointRule, facts: RuleFacts): boolean => {
  let inside = !rule.selector;
  try {
    inside ||= !!facts.element?.closest(rule.selector!);
  } catch {} // a selector the browser cannot parse matches nothing
  return (
    inside &&
    (!rule.url || matchPath(rule.url, facts.path)) &&
    (!rule.event || facts.names.includes(rule.event)) &&
    (!rule.kind || rule.kind == facts.kind) &&
    // Without case, as journeyStages compares media: a rule "qr" is a link tagged utm_medium=QR.
    (!rule.utmMedium || rule.utmMedium.toLowerCase() == facts.medium?.toLowerCase())
  );
};
