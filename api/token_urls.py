from django.urls import path

from api import token_views

urlpatterns = [
    path("", token_views.tokens, name="api-tokens"),
    path("all/", token_views.all_tokens, name="api-tokens-all"),
]
