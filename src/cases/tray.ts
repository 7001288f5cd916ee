// The console's tray and case page live in the one read model; these names stay for their importers.
export { getCaseAttachment, getCasePage, listTray, TrayFilter, type TimelineItem } from './read-model.js';
