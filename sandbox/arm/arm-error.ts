/** An ARM error response: `{"error":{"code","message"}}` with its HTTP status. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Array<{ code: string; message: string }> = [],
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.details.length) error.details = this.details;
    return { error };
  }
}

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);
export const conflict = (code: string, message: string): ArmError => new ArmError(409, code, message);
export const notFound = (code: string, message: string): ArmError => new ArmError(404, code, message);
