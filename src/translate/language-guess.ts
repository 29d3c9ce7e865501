/**
 * A quick guess at which of our languages a recognised sentence is in, from its script and its most
 * common short words. Only a fallback: the direction of a conversation comes from the language the
 * recogniser detected in the audio; this is used where it reports none (or one that is neither of
 * the two people's), and the two languages of a conversation are usually easy to tell apart this way.
 */
const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'are', 'you', 'to', 'of', 'it', 'what', 'where', 'this', 'that', 'with', 'have', 'i', 'my'],
  it: ['il', 'la', 'che', 'e', 'di', 'un', 'una', 'è', 'non', 'per', 'sono', 'dove', 'come', 'ciao', 'grazie', 'questo'],
  es: ['el', 'la', 'que', 'y', 'de', 'un', 'una', 'es', 'no', 'por', 'dónde', 'cómo', 'hola', 'gracias', 'los', 'las'],
  fr: ['le', 'la', 'les', 'et', 'de', 'un', 'une', 'est', 'ne', 'pas', 'où', 'je', 'vous', 'bonjour', 'merci', 'que'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'ich', 'sie', 'wo', 'wie', 'danke', 'hallo', 'mit', 'zu'],
  pt: ['o', 'a', 'os', 'que', 'e', 'de', 'um', 'uma', 'é', 'não', 'onde', 'como', 'obrigado', 'olá', 'você', 'para'],
};

export function guessLanguage(text: string, among?: readonly string[]): string | undefined {
  if (/[\u3040-\u30ff]/.test(text)) return 'ja';
  if (/[\uac00-\ud7af]/.test(text)) return 'ko';
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  if (/[\u0600-\u06ff]/.test(text)) return 'ar';
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  let best: string | undefined;
  let bestScore = 0;
  for (const [language, common] of Object.entries(STOPWORDS)) {
    if (among && !among.includes(language)) continue;
    const score = words.filter((w) => common.includes(w)).length;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
