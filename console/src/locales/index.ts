import i18n from '@dhis2/d2-i18n';

import en from './en.json';

// Keys are the English strings, the DHIS2 convention, so a missing
// translation falls back to readable English.
const NAMESPACE = 'default';
const FALLBACK_LANGUAGE = 'en';

/** Catalogs by language code; add a JSON file here to add a language. */
const CATALOGS: Record<string, Record<string, string>> = { en };

/** First language of the browser that has a catalog, else English. */
function chooseLanguage(): string {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = tag.split('-')[0] ?? '';
    if (language in CATALOGS) return language;
  }
  return FALLBACK_LANGUAGE;
}

for (const [language, catalog] of Object.entries(CATALOGS)) {
  i18n.addResources(language, NAMESPACE, catalog);
}
i18n.setDefaultNamespace(NAMESPACE);

// React escapes rendered text itself; i18next's own HTML escaping of
// interpolated values would show entities such as &amp; on screen.
i18n.options.interpolation = { ...i18n.options.interpolation, escapeValue: false };
i18n.services.interpolator.init(i18n.options);

const language = chooseLanguage();
i18n.changeLanguage(language);
document.documentElement.lang = language;
