// Case lookups live in the one read model; these names stay for their importers.
export { findCaseByFolio, findCaseById, getCaseDetail, listCases, openCasesOfCitizen, type CaseSummary } from './read-model.js';
