import { describe, expect, it } from 'vitest';
import { cleanEmailText } from '../../../src/channels/email/clean-text.js';

describe('cleaning an email for classification', () => {
  it('cuts Gmail-style quoted history in Spanish, even when the header wraps', () => {
    const text =
      'Es en la calle Hidalgo 12.\n\nEl mar, 10 mar 2026 a las 10:00, Atención Ciudadana <atencion@municipio.mx>\nescribió:\n> Recibimos su correo\n> folio AC-2026-000001';
    expect(cleanEmailText(text)).toBe('Es en la calle Hidalgo 12.');
  });

  it('cuts "On … wrote:", "-----Mensaje original-----" and Outlook header blocks', () => {
    expect(cleanEmailText('Gracias.\nOn Tue, Mar 10, 2026 at 10:00 AM Atención <a@b.mx> wrote:\n> hola')).toBe('Gracias.');
    expect(cleanEmailText('Sigue igual.\n\n-----Mensaje original-----\nDe: Atención\nEnviado: martes')).toBe('Sigue igual.');
    expect(
      cleanEmailText(
        'Sigue igual.\n\n________________________________\nDe: Atención Ciudadana <a@b.mx>\nEnviado: martes, 10 de marzo de 2026 10:00\nPara: Juan\nAsunto: Re: Bache',
      ),
    ).toBe('Sigue igual.');
    expect(cleanEmailText('Sigue igual.\n\nDe: Atención Ciudadana <a@b.mx>\nEnviado el: martes\nAsunto: Re: Bache')).toBe('Sigue igual.');
  });

  it('drops ">" lines and the signature, keeping what the citizen wrote', () => {
    const text = '> cita\nLa lámpara sigue apagada.\r\n\r\n\r\n\r\nGracias\r\n-- \r\nJuan Pérez\r\nTel 555 123 4567';
    expect(cleanEmailText(text)).toBe('La lámpara sigue apagada.\n\nGracias');
    expect(cleanEmailText('Hay basura.\n\nEnviado desde mi iPhone')).toBe('Hay basura.');
  });

  it('does not cut a sentence that merely starts like a header', () => {
    const text = 'De: la colonia Centro, vecinos organizados.\nHay un bache enorme.';
    expect(cleanEmailText(text)).toBe(text);
  });

  it('keeps the text when everything in it would be cut', () => {
    expect(cleanEmailText('> solo una cita')).toBe('> solo una cita');
  });
});
