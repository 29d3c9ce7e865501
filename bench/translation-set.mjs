/**
 * Twenty short, everyday English sentences with reference translations into Italian, French and
 * Spanish, written for this project (not taken from any dataset or corpus). They cover greetings,
 * directions, time, food, weather, travel and work, 4–12 words each.
 *
 * They are for a reported figure only: the chrF (bench/chrf.mjs) of a small model's translations
 * against these references, printed by a bench so that models and changes can be compared. One
 * reference per sentence says little about any single translation, and small models vary, so no
 * test ever asserts a score over this set.
 *
 * Conventions: the register of each sentence is the same in all three languages (tu/tu/tú where
 * the English is casual, Lei/vous/usted where it is polite); French has a space before ? and !, and
 * Spanish opens questions and exclamations with ¿ and ¡. chrF drops whitespace, so the French
 * spacing neither helps nor hurts a model that leaves it out.
 */

/**
 * @typedef {object} TranslationPair
 * @property {string} en The English source.
 * @property {string} it Italian reference.
 * @property {string} fr French reference.
 * @property {string} es Spanish reference.
 */

/** @type {readonly Readonly<TranslationPair>[]} */
export const TRANSLATION_SET = Object.freeze(
  [
    // Greetings
    {
      en: 'Good morning! How are you today?',
      it: 'Buongiorno! Come stai oggi?',
      fr: "Bonjour ! Comment vas-tu aujourd'hui ?",
      es: '¡Buenos días! ¿Cómo estás hoy?',
    },
    {
      en: 'Happy birthday! Have a wonderful day.',
      it: 'Buon compleanno! Passa una splendida giornata.',
      fr: 'Joyeux anniversaire ! Passe une merveilleuse journée.',
      es: '¡Feliz cumpleaños! Que pases un día maravilloso.',
    },
    {
      en: 'Thank you very much for your help.',
      it: 'Grazie mille per il tuo aiuto.',
      fr: 'Merci beaucoup pour ton aide.',
      es: 'Muchas gracias por tu ayuda.',
    },
    // Directions
    {
      en: 'Excuse me, where is the train station?',
      it: "Mi scusi, dov'è la stazione dei treni?",
      fr: 'Excusez-moi, où est la gare ?',
      es: 'Disculpe, ¿dónde está la estación de tren?',
    },
    {
      en: 'Go straight ahead and turn left at the second traffic light.',
      it: 'Vada dritto e giri a sinistra al secondo semaforo.',
      fr: 'Allez tout droit et tournez à gauche au deuxième feu.',
      es: 'Siga recto y gire a la izquierda en el segundo semáforo.',
    },
    {
      en: 'Is there a pharmacy near here?',
      it: "C'è una farmacia qui vicino?",
      fr: "Y a-t-il une pharmacie près d'ici ?",
      es: '¿Hay una farmacia cerca de aquí?',
    },
    // Time
    {
      en: 'What time does the museum open on Sundays?',
      it: 'A che ora apre il museo la domenica?',
      fr: 'À quelle heure le musée ouvre-t-il le dimanche ?',
      es: '¿A qué hora abre el museo los domingos?',
    },
    {
      en: "It's a quarter past seven.",
      it: 'Sono le sette e un quarto.',
      fr: 'Il est sept heures et quart.',
      es: 'Son las siete y cuarto.',
    },
    // Food
    {
      en: 'I would like a table for two, please.',
      it: 'Vorrei un tavolo per due, per favore.',
      fr: "Je voudrais une table pour deux, s'il vous plaît.",
      es: 'Quisiera una mesa para dos, por favor.',
    },
    {
      en: 'Could we have the bill, please?',
      it: 'Possiamo avere il conto, per favore?',
      fr: "Pourrions-nous avoir l'addition, s'il vous plaît ?",
      es: '¿Nos puede traer la cuenta, por favor?',
    },
    {
      en: 'I am allergic to nuts.',
      it: 'Sono allergico alla frutta a guscio.',
      fr: 'Je suis allergique aux fruits à coque.',
      es: 'Soy alérgico a los frutos secos.',
    },
    // Weather
    {
      en: 'It is going to rain this afternoon.',
      it: 'Oggi pomeriggio pioverà.',
      fr: 'Il va pleuvoir cet après-midi.',
      es: 'Va a llover esta tarde.',
    },
    {
      en: "The weather is beautiful today, isn't it?",
      it: 'Oggi fa bel tempo, vero?',
      fr: "Il fait beau aujourd'hui, n'est-ce pas ?",
      es: 'Hoy hace buen tiempo, ¿verdad?',
    },
    {
      en: 'Take a coat, it is cold outside.',
      it: 'Prendi un cappotto, fuori fa freddo.',
      fr: 'Prends un manteau, il fait froid dehors.',
      es: 'Llévate un abrigo, hace frío fuera.',
    },
    // Travel
    {
      en: 'How much does a return ticket to Milan cost?',
      it: 'Quanto costa un biglietto di andata e ritorno per Milano?',
      fr: 'Combien coûte un billet aller-retour pour Milan ?',
      es: '¿Cuánto cuesta un billete de ida y vuelta a Milán?',
    },
    {
      en: 'Our flight has been delayed by two hours.',
      it: 'Il nostro volo è in ritardo di due ore.',
      fr: 'Notre vol a été retardé de deux heures.',
      es: 'Nuestro vuelo se ha retrasado dos horas.',
    },
    {
      en: 'Is breakfast included in the price of the room?',
      it: 'La colazione è inclusa nel prezzo della camera?',
      fr: 'Le petit-déjeuner est-il compris dans le prix de la chambre ?',
      es: '¿El desayuno está incluido en el precio de la habitación?',
    },
    // Work
    {
      en: 'The meeting has been moved to Thursday morning.',
      it: 'La riunione è stata spostata a giovedì mattina.',
      fr: 'La réunion a été déplacée à jeudi matin.',
      es: 'La reunión se ha trasladado al jueves por la mañana.',
    },
    {
      en: 'I will send you the report before lunch.',
      it: 'Ti manderò la relazione prima di pranzo.',
      fr: "Je t'enverrai le rapport avant le déjeuner.",
      es: 'Te enviaré el informe antes del almuerzo.',
    },
    {
      en: "Sorry, I'm running ten minutes late because of the traffic.",
      it: 'Scusa, sono in ritardo di dieci minuti per colpa del traffico.',
      fr: "Désolé, j'ai dix minutes de retard à cause de la circulation.",
      es: 'Lo siento, llego diez minutos tarde por culpa del tráfico.',
    },
  ].map((pair) => Object.freeze(pair)),
);
