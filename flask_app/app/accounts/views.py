"""Sign up, sign in, sign out, and change or reset a password."""

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app import security_log
from app.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegisterForm,
    SetPasswordForm,
)
from app.accounts.reset import send_reset_links, user_for_token
from app.accounts.throttling import (
    failures_limited,
    reset_limited,
    sign_in_limited,
    sign_up_limited,
)
from app.extensions import db
from app.models import User
from app.security import is_safe_next

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.record_once
def connect_security_log(state) -> None:
    """Log the app's sign-ins and sign-outs, as the Django app's AccountsConfig.ready() does."""
    security_log.init_app(state.app)


def redirect_next(form):
    """Redirect to the form's (or the query string's) `next` if it stays on the site, else home."""
    target = form.next.data or request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("posts.index"))


def start_session(user: User) -> None:
    """Sign a user in on a fresh session, so nothing from before sign-in carries over."""
    session.clear()
    login_user(user)


@bp.route("/register/", methods=["GET", "POST"])
@sign_up_limited
def register():
    """Create an account and sign it in."""
    form = RegisterForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = User(username=form.username.data, email=form.email.data)
        user.set_password(form.password1.data)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:
            # Someone took the name between the form's check and this insert.
            db.session.rollback()
            form.username.errors.append("A user with that username already exists.")
        else:
            start_session(user)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect_next(form)
    return render_template("accounts/register.html", form=form)


INVALID_LOGIN = "Invalid username or password."
# Checked against when the username is unknown, so that the answer takes as long as a real one.
DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials (username in any case), else None."""
    stmt = select(User).where(func.lower(User.username) == func.lower(username))
    user = db.session.scalar(stmt)
    if user is None:
        check_password_hash(DUMMY_HASH, password)
        return None
    return user if user.check_password(password) and user.is_active else None


@bp.route("/login/", methods=["GET", "POST"])
@sign_in_limited
@failures_limited
def login():
    """Sign in with a username (any case) and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            start_session(user)
            flash(f"Signed in as {user.username}.", "success")
            return redirect_next(form)
        g.credentials_refused = True
        security_log.sign_in_refused(form.username.data)
        form.form_errors.append(INVALID_LOGIN)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout/")
def logout():
    """Sign out, and make every copy of this user's session cookie worthless."""
    if current_user.is_authenticated:
        # A Flask session lives in the cookie itself: clearing it here does not stop a copy
        # taken earlier. Changing the token that copy carries does.
        current_user.rotate_session_token()
        db.session.commit()
    session.clear()
    logout_user()
    flash("You have been signed out.", "info")
    return redirect(url_for("posts.index"))


@bp.route("/password/change/", methods=["GET", "POST"])
@login_required
def password_change():
    """Change the password: the user's other sessions end, this one stays signed in."""
    user = current_user._get_current_object()
    form = PasswordChangeForm(user)
    if form.validate_on_submit():
        # set_password() rotates the session token, which signs every other cookie out.
        user.set_password(form.new_password1.data)
        db.session.commit()
        security_log.password_changed(user)
        start_session(user)
        flash("Your password has been changed.", "success")
        return redirect(url_for("posts.index"))
    return render_template("accounts/password_change.html", form=form)


@bp.route("/password/reset/", methods=["GET", "POST"])
@reset_limited
def password_reset():
    """Mail a reset link; answer the same whether the address is known or not."""
    form = PasswordResetForm()
    if form.validate_on_submit():
        send_reset_links(form.email.data)
        return redirect(url_for("accounts.password_reset_done"))
    return render_template("accounts/password_reset.html", form=form)


@bp.get("/password/reset/done/")
def password_reset_done():
    """Say that a link is on its way, if the address belongs to someone."""
    return render_template("accounts/password_reset_done.html")


@bp.route("/reset/<token>/", methods=["GET", "POST"])
def password_reset_confirm(token: str):
    """Set a new password through a reset link; every session of the user ends."""
    user = user_for_token(token)
    if user is None:
        return render_template("accounts/password_reset_confirm.html", validlink=False)
    form = SetPasswordForm(user)
    if form.validate_on_submit():
        user.set_password(form.new_password1.data)
        db.session.commit()
        security_log.password_reset(user)
        flash("Your password has been set. You may sign in now.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/password_reset_confirm.html", validlink=True, form=form)
