/** Languages the translator offers. Codes are ISO 639-1, as Whisper reports them. */
export interface Language {
  code: string;
  /** English name, used in the prompt (models follow English instructions best). */
  name: string;
  /** The language's own name, for the picker. */
  native: string;
}

export const LANGUAGES: readonly Language[] = [
  { code: 'en', name: 'English', native: 'English' },
  { code: 'it', name: 'Italian', native: 'Italiano' },
  { code: 'zh', name: 'Chinese (Simplified)', native: '中文' },
  { code: 'es', name: 'Spanish', native: 'Español' },
  { code: 'fr', name: 'French', native: 'Français' },
  { code: 'de', name: 'German', native: 'Deutsch' },
  { code: 'ja', name: 'Japanese', native: '日本語' },
  { code: 'ko', name: 'Korean', native: '한국어' },
  { code: 'pt', name: 'Portuguese', native: 'Português' },
  { code: 'ar', name: 'Arabic', native: 'العربية' },
];

export function languageByCode(code: string | undefined): Language | undefined {
  return code ? LANGUAGES.find((l) => l.code === code.toLowerCase()) : undefined;
}

/** Right-to-left scripts, so captions align and flow correctly. */
export function isRightToLeft(code: string | undefined): boolean {
  return code === 'ar';
}
