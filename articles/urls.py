from django.urls import path

from articles import prompt_views, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("story/<slug:slug>/", views.article, name="article"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("search/", views.search, name="search"),
    path("support/", views.support, name="support"),
    path("support/go/<int:prompt_id>/", prompt_views.prompt_click, name="prompt_click"),
    path(
        "support/go/<int:prompt_id>/<int:variant_id>/",
        prompt_views.prompt_click,
        name="prompt_variant_click",
    ),
    path("support/seen/", prompt_views.prompt_seen, name="prompt_seen"),
]
