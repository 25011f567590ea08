import { ArmError } from "../arm-error";

/**
 * The Machine Learning resource provider's refusal of a bad request body: 400 with code UserError and an inner
 * BadArgument detail, the shape the ML types and the AML data plane in this sandbox all answer with.
 */
export function userError(message: string): ArmError {
  return new ArmError(400, "UserError", message, {}, [{ code: "BadArgument", message }]);
}
