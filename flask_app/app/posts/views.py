"""Reading published posts, and writing one's own."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import PUBLISHED, Post
from app.posts.forms import PostForm, SearchForm

bp = Blueprint("posts", __name__)

PER_PAGE = 10


def get_visible_post(post_id: int) -> Post:
    """Return a post the current user may read: published, or their own draft; else 404."""
    # The page shows the author: load it in the same query.
    post = db.get_or_404(Post, post_id, options=[joinedload(Post.author)])
    if not post.is_published and not post.is_authored_by(current_user):
        abort(404)
    return post


def get_own_post(post_id: int) -> Post:
    """Return the current user's post; 403 for another user's (404 for their draft)."""
    post = get_visible_post(post_id)
    if not post.is_authored_by(current_user):
        abort(403)
    return post


@bp.get("/")
def index():
    """List published posts, newest first, optionally searched."""
    search = SearchForm(request.args)
    stmt = (
        select(Post)
        .where(Post.status == PUBLISHED)
        .options(joinedload(Post.author))
        .order_by(Post.created.desc(), Post.id.desc())
    )
    q = search.q.data or ""
    if not search.validate():  # too long, or a NUL (which PostgreSQL refuses in a query)
        stmt = stmt.where(false())
    elif q:
        # autoescape: a % or _ in the search is matched as itself, not as a wildcard.
        stmt = stmt.where(
            or_(Post.title.icontains(q, autoescape=True), Post.body.icontains(q, autoescape=True))
        )
    # Reads ?page= itself: 404 for anything but a page of the list ("abc", "0", past the end).
    page = db.paginate(stmt, per_page=PER_PAGE)
    return render_template("posts/post_list.html", page=page, search=search, q=q)


@bp.get("/posts/<int:post_id>/")
def detail(post_id: int):
    """Show one post."""
    return render_template("posts/post_detail.html", post=get_visible_post(post_id))


@bp.route("/posts/new/", methods=["GET", "POST"])
@login_required
def create():
    """Write a new post."""
    form = PostForm()
    if form.validate_on_submit():
        # Only the form's declared fields are read: an `author` or `id` sent along is ignored.
        post = Post(
            title=form.title.data,
            body=form.body.data,
            status=form.status.data,
            author_id=current_user.id,
        )
        db.session.add(post)
        db.session.commit()
        flash("Post created.", "success")
        return redirect(url_for("posts.detail", post_id=post.id))
    return render_template("posts/post_form.html", form=form, post=None)


@bp.route("/posts/<int:post_id>/edit/", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    """Change one of the user's own posts."""
    post = get_own_post(post_id)
    form = PostForm(obj=post)
    if form.validate_on_submit():
        post.title = form.title.data
        post.body = form.body.data
        post.status = form.status.data
        db.session.commit()
        flash("Post updated.", "success")
        return redirect(url_for("posts.detail", post_id=post.id))
    return render_template("posts/post_form.html", form=form, post=post)


@bp.route("/posts/<int:post_id>/delete/", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """Confirm, then delete one of the user's own posts."""
    post = get_own_post(post_id)
    if request.method == "POST":
        db.session.delete(post)
        db.session.commit()
        flash("Post deleted.", "success")
        return redirect(url_for("posts.index"))
    return render_template("posts/post_confirm_delete.html", post=post)
