/** The CSS class of a stage's colour: by its place in the report's list, cycling after six. */
export const stageClass = (stages, stage) => `stage-${(Math.max(stages.indexOf(stage), 0) % 6) + 1}`;
