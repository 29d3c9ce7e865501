import { LitElement, html, nothing } from 'lit';
import { SETTING_LIMITS, type ConversationSettings } from '../../chat/conversation.js';
import { ApertoSettingsChangeEvent } from '../../events/settings-change.js';
import { tokens } from '../shared/tokens.styles.js';
import { chatSettingsStyles } from './chat-settings.styles.js';

/**
 * @summary Per-conversation settings: system prompt, temperature, top-p, max tokens and, for
 * Qwen3-family models, the thinking switch.
 * @fires aperto-settings-change - A valid value was entered.
 */
export class ApertoChatSettings extends LitElement {
  static override styles = [tokens, chatSettingsStyles];
  static override properties = {
    settings: { attribute: false },
    thinkingSwitch: { type: Boolean, attribute: 'thinking-switch' },
  };

  declare settings?: ConversationSettings;
  /** Show the thinking switch (the loaded model supports it). */
  declare thinkingSwitch: boolean;

  constructor() {
    super();
    this.thinkingSwitch = false;
  }

  override render() {
    const s = this.settings;
    if (!s) return nothing;
    const number = (key: 'temperature' | 'topP' | 'maxTokens', label: string, step: string) => {
      const { min, max } = SETTING_LIMITS[key];
      return html`<label>
        ${label}
        <input
          type="number"
          min=${min}
          max=${max}
          step=${step}
          .value=${String(s[key])}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const value = Number(input.value);
            if (input.value === '' || !Number.isFinite(value) || value < min || value > max) {
              input.setCustomValidity(`${label} must be between ${min} and ${max}.`);
              input.reportValidity();
              return;
            }
            input.setCustomValidity('');
            this.emit({ [key]: key === 'maxTokens' ? Math.round(value) : value });
          }}
        />
      </label>`;
    };
    return html`<form @submit=${(e: Event) => e.preventDefault()} aria-label="Conversation settings">
      <label class="wide">
        System prompt
        <textarea
          rows="3"
          maxlength=${SETTING_LIMITS.systemPrompt.maxLength}
          .value=${s.systemPrompt}
          @change=${(e: Event) => this.emit({ systemPrompt: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
      </label>
      ${number('temperature', 'Temperature', '0.05')} ${number('topP', 'Top-p', '0.01')}
      ${number('maxTokens', 'Max tokens', '1')}
      ${this.thinkingSwitch
        ? html`<label class="switch">
            <input
              type="checkbox"
              role="switch"
              .checked=${s.thinking}
              @change=${(e: Event) => this.emit({ thinking: (e.target as HTMLInputElement).checked })}
            />
            Thinking (reason before answering)
          </label>`
        : nothing}
    </form>`;
  }

  private emit(settings: Partial<ConversationSettings>) {
    this.dispatchEvent(new ApertoSettingsChangeEvent(settings));
  }
}
