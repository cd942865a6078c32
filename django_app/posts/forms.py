from django import forms

from .models import Post


class PostForm(forms.ModelForm):
    """A post's own fields; the author always comes from the request, never from the form."""

    class Meta:
        model = Post
        fields = ["title", "body", "status"]


class SearchForm(forms.Form):
    """The search box of the post list."""

    q = forms.CharField(label="Search", required=False, max_length=1000, widget=forms.SearchInput)
