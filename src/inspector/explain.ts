import type { Rules } from '../journey/parseRules';
import type { Touchpoint } from '../types';
import { ruleApplies } from './ruleApplies';

/** Why a touchpoint got its stage, as the inspector shows it. */
export interface Explanation {
  /** The stage's source in words: `set in the page`, `rule touchpoints[2]`, `touchtrail's guess`, … */
  why: string;
  /** The index (in the rules file's `touchpoints`) of the rule that set the stage, when it can be told. */
  stageRule?: number;
  /** Every rule that applies to the touchpoint, by index. */
  matched: number[];
}

const FROM: Record<string, string> = {
  explicit: 'set in the page',
  default: "touchtrail's guess",
  journey: 'furthest stage reached',
};

/**
 * Which of the rules apply to a touchpoint and which one set its stage, worked out again from the touchpoint (the
 * processor does not record it): `element` is the element the visitor acted on, as far as the inspector saw it,
 * for rules with a selector. A rule that renamed the touchpoint is found by its event as well as by its new name.
 */
export const explain = (t: Touchpoint, rules: Rules, element?: Element): Explanation => {
  const p = t.properties || {};
  const facts = {
    element,
    path: t.context?.page?.path || '',
    // A rule's name may have replaced the event's own (or Page View) as the touchpoint's name.
    names: [t.event, p.touchpoint, ...(t.type == 'page' ? ['Page View'] : [])],
    kind: p.touchpointKind,
    medium: t.context?.campaign?.medium,
  };
  const matched: number[] = [];
  (rules.touchpoints || []).forEach((rule, i) => ruleApplies(rule, facts) && matched.push(i));
  const from = p.stageFrom as string | undefined;
  if (from != 'rule')
    return { why: (from && FROM[from]) || from || (p.touchpointKind == 'stage_reached' ? 'newly reached' : p.stage ? 'given' : 'no stage'), matched };
  const stageRule = matched.find((i) => rules.touchpoints![i]!.stage == p.stage);
  return { why: stageRule == null ? 'a rule' : `rule touchpoints[${stageRule}]`, stageRule, matched };
};
