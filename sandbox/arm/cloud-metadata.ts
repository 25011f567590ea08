import { Handler, json } from "../http/message";

/**
 * GET /metadata/endpoints?api-version=2015-01-01, anonymous: what public ARM answers (the same shape Azure Stack Hub
 * documents in "Connect to Azure Stack Hub with API", where audiences[0] is the stamp's own ARM audience). The sandbox
 * plays public ARM, so its audiences are public ARM's; clients with a custom ARM URL take their token audience here.
 */
export function cloudMetadataHandler(): Handler {
  return (req) => {
    if (req.url.pathname.replace(/\/+$/, "") !== "/metadata/endpoints") return undefined;
    if (req.method !== "GET")
      return json(405, { error: { code: "MethodNotAllowed", message: `The requested resource does not support http method '${req.method}'.` } });
    return json(200, {
      galleryEndpoint: "https://gallery.azure.com/",
      graphEndpoint: "https://graph.windows.net/",
      portalEndpoint: "https://portal.azure.com/",
      authentication: { loginEndpoint: "https://login.windows.net/", audiences: ["https://management.core.windows.net/", "https://management.azure.com/"] },
    });
  };
}
