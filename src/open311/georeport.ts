import { XMLBuilder } from 'fast-xml-parser';

// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the shapes of its answers, with the
// spec's own field names, and their XML. Every answer is a list; in XML a list is a root element
// holding one element per item (<services><service>, <service_requests><request>, <errors><error>).

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export interface Service {
  service_code: string;
  service_name: string;
  description: string;
  /** Whether GET services/{code} lists attributes to send. */
  metadata: boolean;
  /** `realtime`: POST answers with the request's id at once. */
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values: Array<{ key: string; name: string }>;
}

export interface ServiceDefinition {
  service_code: string;
  attributes: ServiceAttribute[];
}

export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

export interface Filed {
  service_request_id: string;
  token: string;
  service_notice: string;
  account_id: string | null;
}

export interface GeoReportError {
  code: number;
  description: string;
}

/** The XML root element and item element of each answer. */
export const XML_ELEMENTS = {
  services: ['services', 'service'],
  requests: ['service_requests', 'request'],
  errors: ['errors', 'error'],
} as const;

const builder = new XMLBuilder({ format: true, ignoreAttributes: false, suppressEmptyNode: false, processEntities: true });

/** A value as the spec's XML writes it: booleans as true/false, nothing as an empty element. */
function forXml(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.map(forXml);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forXml(v)]));
  return value;
}

const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** A list answer in XML under its root element. */
export function listXml(kind: keyof typeof XML_ELEMENTS, items: readonly object[]): string {
  const [root, item] = XML_ELEMENTS[kind];
  return DECLARATION + builder.build({ [root]: items.length ? { [item]: forXml(items) } : '' });
}

/** A service definition: its attributes nested as <attributes><attribute>…<values><value>. */
export function definitionXml(definition: ServiceDefinition): string {
  const attributes = definition.attributes.map((a) => ({ ...a, values: a.values.length ? { value: a.values } : '' }));
  return (
    DECLARATION +
    builder.build({
      service_definition: forXml({
        service_code: definition.service_code,
        attributes: attributes.length ? { attribute: attributes } : '',
      }),
    })
  );
}

/** The discovery document's endpoint list. */
export function discoveryXml(discovery: { changeset: string; contact: string; key_service: string; endpoints: object[] }): string {
  return (
    DECLARATION +
    builder.build({
      discovery: forXml({
        ...discovery,
        endpoints: {
          endpoint: discovery.endpoints.map((e) => {
            const { formats, ...rest } = e as { formats: string[] };
            return { ...rest, formats: { format: formats } };
          }),
        },
      }),
    })
  );
}
