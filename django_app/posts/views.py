from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .forms import PostForm, SearchForm
from .models import Post

PAGE_SIZE = 10


@require_safe
def post_list(request):
    """List published posts, newest first, ten a page, optionally filtered by a search."""
    posts = Post.objects.published().select_related("author")
    search_form = SearchForm(request.GET)
    if not search_form.is_valid():  # too long, or a NUL byte (which PostgreSQL refuses)
        posts = posts.none()
    elif q := search_form.cleaned_data["q"]:
        posts = posts.filter(Q(title__icontains=q) | Q(body__icontains=q))
    paginator = Paginator(posts, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage as exc:  # not a number, or out of range
        raise Http404("No such page.") from exc
    return render(request, "posts/post_list.html", {"page_obj": page, "search_form": search_form})


@require_safe
def post_detail(request, pk):
    """Show a post; a draft only to its author."""
    post = get_object_or_404(Post.objects.select_related("author"), pk=pk)
    if post.status == Post.Status.DRAFT and post.author_id != request.user.pk:
        raise Http404("No such post.")
    return render(request, "posts/post_detail.html", {"post": post})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_create(request):
    """Write a new post as the signed-in user."""
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            post = form.save(commit=False)
            post.author = request.user
            post.save()
            messages.success(request, "Post created.")
            return redirect(post)
    else:
        form = PostForm()
    return render(request, "posts/post_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_edit(request, pk):
    """Change one of the user's own posts."""
    post = get_own_post(request, pk)
    if request.method == "POST":
        form = PostForm(request.POST, instance=post)
        if form.is_valid():
            form.save()
            messages.success(request, "Post updated.")
            return redirect(post)
    else:
        form = PostForm(instance=post)
    return render(request, "posts/post_form.html", {"form": form, "post": post})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def post_delete(request, pk):
    """Ask to confirm, then delete one of the user's own posts."""
    post = get_own_post(request, pk)
    if request.method == "POST":
        post.delete()
        messages.success(request, "Post deleted.")
        return redirect("posts:list")
    return render(request, "posts/post_confirm_delete.html", {"post": post})


def get_own_post(request, pk):
    """Return the user's post, or refuse: 404 for others' drafts (kept secret), else 403."""
    post = get_object_or_404(Post, pk=pk)
    if post.author_id != request.user.pk:
        if post.status == Post.Status.DRAFT:
            raise Http404("No such post.")
        raise PermissionDenied
    return post
