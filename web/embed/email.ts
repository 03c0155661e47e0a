/**
 * The e-mail addresses the API accepts (zod's `z.email()`, whose pattern this is: pinned by
 * test/node/widgetEmail.test.ts). The widget drops any other before sending, so an address the
 * API would refuse cannot make it refuse the whole identity, and with it hide the survey.
 */
// biome-ignore lint/complexity/noUselessEscapeInRegex: character for character zod's source, which the test compares
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
