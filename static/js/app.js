import { initAll as initGovukFrontend } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj/moj-frontend.min.js";

initGovukFrontend();
initMojFrontend();
