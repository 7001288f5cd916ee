import type { MessageKey } from './es.js';

/**
 * The citizen-facing strings that read differently when the municipality addresses citizens as «tú»
 * (TONE=tu). es.ts is written in «usted», the register a municipality writes in by default; only what
 * changes with the register is here, so a new string needs an entry only if it speaks to the citizen
 * in the second person. tests/i18n/tone.test.ts fails on a form of the other register in either tone.
 */
export const esTu: Partial<Record<MessageKey, string>> = {
  'error.empty_message': 'El mensaje está vacío: escribe un texto o adjunta una foto.',
  'error.not_found': 'No se encontró lo que buscas.',
  'error.too_many_requests': 'Demasiadas solicitudes; espera un momento.',
  'error.internal': 'Ocurrió un error interno. Ya quedó registrado; intenta de nuevo.',
  'error.database_unavailable': 'El servicio no está disponible por un momento; intenta de nuevo en unos segundos.',
  'chat.subtitle': 'Escríbenos: reportes, quejas, sugerencias y preguntas',
  'chat.placeholder': 'Escribe tu mensaje…',
  'chat.error': 'No se pudo enviar. Toca para reintentar.',
  'chat.location_denied': 'No se pudo obtener tu ubicación. Escribe la dirección, por favor.',
  'whatsapp.choose_option': 'Elige una opción:',
  'whatsapp.answer_with_number': 'Responde con el número de tu opción.',
  'whatsapp.answer_with': 'Responde: {options}',
  'whatsapp.share_location': 'Puedes enviar tu ubicación (📎 › Ubicación) o escribir la dirección.',
  'whatsapp.skip_hint': 'Escribe «{skip}» para continuar sin ella.',
  'email.case_opened':
    'Recibimos tu correo y registramos tu {tipo} con el folio {folio}.\nÁrea responsable: {dependencia}. Te responderemos a más tardar el {fechaLimite}.',
  'email.after_hours': 'Nos escribiste fuera del horario de atención ({horario}); una persona revisará tu caso {proxima}.',
  'email.missing_intro': 'Para atenderte mejor, responde a este correo indicando:',
  'email.missing_name': '- tu nombre completo;',
  'email.missing_photo': '- si te es posible, una foto del problema (como archivo adjunto).',
  'email.message_added': 'Agregamos tu mensaje al folio {folio}; el área responsable ({dependencia}) lo tendrá en cuenta.',
  'email.ask_what_happened':
    'Para registrar tu {tipo}, responde a este correo contándonos qué pasó y, si puedes, dónde (calle, número y colonia, o una referencia). Con eso te daremos un folio.',
  'email.out_of_scope':
    'Por este medio podemos registrar reportes de problemas en la ciudad, quejas, sugerencias y preguntas sobre trámites de {municipio}. Si necesitas algo de esto, responde a este correo contándonos qué pasó y, si aplica, dónde.',
  'email.keep_folio': 'Para que tus respuestas se agreguen a este caso, responde a este correo o conserva «[{folio}]» en el asunto.',
  'email.catalogue_intro': 'Sobre tu consulta, esta es la información del trámite:',
  'email.catalogue_follow_up':
    'Si esta información no resuelve tu consulta, responde a este correo contándonos qué necesitas y registraremos tu solicitud con un folio para que el área responsable te dé seguimiento.',
  'email.subject_default': 'Tu solicitud',
  'case.final_answer': 'Respuesta a tu caso {folio}: {answer}',
  'case.cluster_joined_notice':
    'Ya hay un reporte de este problema (folio {parentFolio}); te avisaremos cuando se resuelva. Tu folio {folio} sigue siendo tuyo para consultar cómo va.',
  'case.not_admissible': 'Tu caso {folio} no procede: {reason}',
  'case.extended_notice': 'Tu caso {folio} requiere más tiempo: {reason}. La nueva fecha límite para la respuesta es el {date}.',
  'follow_up.notice.received': 'Tu caso {folio} ya fue recibido por {dependencia}. La respuesta final llegará a más tardar el {fecha}.',
  'follow_up.notice.derived':
    'Tu caso {folio} se turnó a {dependencia}, el área encargada de atenderlo. La respuesta final llegará a más tardar el {fecha}.',
  'follow_up.notice.forwarded':
    'Tu caso {folio} corresponde a otra autoridad: lo remitimos a {organismo}, que te dará la respuesta. Puedes seguir consultando tu folio aquí.',
  'follow_up.notice.in_progress': 'Tu caso {folio} está en seguimiento. Te avisaremos cuando tenga respuesta (a más tardar el {fecha}).',
  'follow_up.notice.escalated':
    'Tu caso {folio} se está atendiendo con prioridad por la Coordinación. Te avisaremos en cuanto tenga respuesta.',
  'follow_up.survey.question': '¿Se resolvió tu caso {folio}? Califica la atención del 1 al 5, o dinos si no se resolvió.',
  'follow_up.survey.thanks': '¡Gracias por tu calificación! Nos ayuda a mejorar.',
  'follow_up.survey.reopened':
    'Lamentamos que no se haya resuelto. Reabrimos tu caso {folio} y {dependencia} lo revisará de nuevo; la respuesta llegará a más tardar el {fecha}.',
  'follow_up.survey.too_late':
    'Gracias por avisarnos. Pasaron más de {dias, plural, one {# día} other {# días}} desde la respuesta, así que no podemos reabrir el folio {folio}; escríbenos lo que sigue pendiente y abriremos un caso nuevo.',
  'callback.ask_to_call':
    'Hola, somos {municipio}. Intentamos llamarte varias veces por tu caso {folio} y no logramos comunicarnos. Por favor llámanos o respóndenos por aquí.',
  'callback.ask_to_call_sms': '{municipio}: intentamos llamarte por tu caso {folio}. Llámanos o responde este SMS.',
  'sms.answer_with_number': 'Responde con el número.',
  'sms.answer_with': 'Responde: {options}',
  'sms.write_address': 'Escribe la dirección o una referencia.',
  'sms.skip_hint': 'Escribe «{skip}» para seguir sin ella.',
  'status_page.intro': 'Escribe el folio que recibiste al hacer tu reporte, queja, sugerencia o pregunta.',
  'status_page.privacy': 'Por tu privacidad, esta página no muestra nombres, datos de contacto, direcciones ni el texto de la solicitud.',
  'status_page.chat': '¿Necesitas reportar algo más? Escríbenos en el chat.',
  'status_page.not_found':
    'No encontramos ese folio. Revisa que esté escrito como aparece en el mensaje que recibiste, por ejemplo {ejemplo}.',
  'status_page.too_many': 'Se hicieron demasiadas consultas desde esta conexión. Espera un minuto e intenta de nuevo.',
  'status_page.link': 'Puedes ver cómo va en {enlace}',
};
