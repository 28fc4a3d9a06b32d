import { initAll as initGovukFrontend } from "../vendor/govuk/govuk-frontend.min.js";
import {
  FilterToggleButton,
  initAll as initMojFrontend,
} from "../vendor/moj/moj-frontend.min.js";
import { initWideTables } from "./wide-tables.js";

initGovukFrontend();
initMojFrontend();
// MoJ Frontend's initAll leaves out the filter panel's "Show filter" button: on a narrow screen
// it hides the panel until asked for, instead of laying the panel over the list.
for (const $filter of document.querySelectorAll('[data-module="moj-filter"]')) {
  new FilterToggleButton($filter);
}
initWideTables();
