/** Importing a conversation as a person does: choosing a file in the chat's file picker. */
import type { ApertoChat } from '../../src/elements/chat/chat.js';
import { deepQueryAll, waitFor } from './dom.js';

export async function importText(chat: ApertoChat, text: string, finished: () => unknown = () => chat.session!.notice): Promise<void> {
  const input = deepQueryAll<HTMLInputElement>(chat, 'input[type="file"]')[0];
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], 'chat.json', { type: 'application/json' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await waitFor(finished, 'the import to finish');
  await chat.updateComplete;
}
