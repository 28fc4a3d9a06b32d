from django.urls import path

from accounts.two_factor import views

urlpatterns = [
    path("", views.account, name="two-factor"),
    path("set-up/", views.set_up, name="two-factor-set-up"),
    path("verify/", views.verify, name="two-factor-verify"),
    path("recovery/", views.recovery, name="two-factor-recovery"),
    path("recovery-codes/", views.recovery_codes_new, name="two-factor-recovery-codes"),
]
