from django.urls import include, path

from accounts import views as account_views
from common import health
from common import views as common_views
from monitoring import views as monitoring_views
from outcomes import views as outcome_views
from recipients import views as recipient_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", account_views.sign_out, name="sign-out"),
    path("session/keep-alive/", account_views.keep_alive, name="session-keep-alive"),
    path("help/", common_views.help_page, name="help"),
    path("help/<slug:role>/", common_views.help_for_role, name="help-role"),
    path("accessibility/", common_views.accessibility_statement, name="accessibility"),
    path("privacy/", common_views.privacy_notice, name="privacy"),
    # For load balancers and container health checks (common/health.py): open to everyone.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("prisons/", include("governance.urls")),
    path("prisons/<str:code>/buddies/", include("buddies.urls")),
    path("prisons/<str:code>/sessions/", include("buddies.activity_urls")),
    path("prisons/<str:code>/incidents/", include("governance.incident_urls")),
    path("prisons/<str:code>/monitoring/", monitoring_views.dashboard, name="monitoring-dashboard"),
    path(
        "prisons/<str:code>/monitoring.pdf",
        monitoring_views.summary_pdf,
        name="monitoring-summary-pdf",
    ),
    path("monitoring/compare/", monitoring_views.comparison, name="monitoring-comparison"),
    path("monitoring/outcomes/", outcome_views.outcomes_comparison, name="outcomes-comparison"),
    path("prisons/<str:code>/surveys/", include("outcomes.urls")),
    path("prisons/<str:code>/", include("recipients.urls")),
    path("reviews/", recipient_views.review_queue, name="review-queue"),
    path("outcomes/instruments/", include("outcomes.instrument_urls")),
    path("", include("costs.urls")),
    path("", include("exchange.urls")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("account/two-factor/", include("accounts.two_factor.urls")),
    path("", include("audit.urls")),
    path("files/", include("files.urls")),
]
