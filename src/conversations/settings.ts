import { BusinessCalendar } from '../calendar/business-calendar.js';
import type { BusinessHours } from '../business-hours.js';
import type { CaseSettings } from '../cases/open-case.js';
import type { Gazetteer } from '../places/gazetteer.js';
import type { Locale } from '../i18n/index.js';

export interface ConversationSettings extends CaseSettings {
  businessHours: BusinessHours;
  municipalityName: string;
  locale: Locale;
  /** Holidays included, to tell citizens when a person will see their message; office hours alone when absent. */
  calendar?: BusinessCalendar | undefined;
  /** Said at once to a citizen in danger; 911 when absent. */
  emergencyPhone?: string | undefined;
  civilProtectionPhone?: string | undefined;
  /** The municipality's own place names (GAZETTEER_FILE). */
  gazetteer?: Gazetteer | undefined;
  /** PUBLIC_URL when set: the replies that give a folio link to its status page; none without it (never localhost). */
  publicUrl?: string | undefined;
}

/** The settings' calendar, or one of office hours without holidays (tools and tests that pass none). */
export function calendarOf(settings: Pick<ConversationSettings, 'calendar' | 'timeZone' | 'businessHours'>): BusinessCalendar {
  return settings.calendar ?? new BusinessCalendar(settings.timeZone, settings.businessHours, []);
}
