from django.urls import path

from . import views

app_name = "posts"
# <int:pk> matches ids of any length. An id beyond the column's range is still a 404: since
# Django 5.0 a lookup outside an integer field's range finds no rows instead of failing.
urlpatterns = [
    path("", views.post_list, name="list"),
    path("posts/new/", views.post_create, name="create"),
    path("posts/<int:pk>/", views.post_detail, name="detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="delete"),
]
