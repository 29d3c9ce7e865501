/**
 * Enter sends; Shift+Enter is a new line; an input method's Enter (Japanese, Chinese…) confirms the
 * characters being composed and never sends. keyCode 229 covers browsers that end composition first.
 */
export function isSendKey(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229;
}
