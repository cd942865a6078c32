/* What Flask-Admin does with inline handlers (onclick="…"), which the admin's
   Content-Security-Policy (script-src 'self') refuses to run, done from this file instead.
   Loaded on every admin page by templates/admin/master.html; the markup it reads (data-confirm,
   data-bulk-action) is in templates/admin/posts_list.html. */
(function () {
  "use strict";

  // Flask-Admin's links that only open a menu or do nothing (tabs, menu toggles, filters, the
  // pager) point at javascript:void(0), which the policy blocks: follow none of them. Caught on
  // the way down, since its menu script stops the toggles' clicks before they reach document.
  document.addEventListener(
    "click",
    function (event) {
      if (event.target.closest('a[href^="javascript:"]')) {
        event.preventDefault();
      }
    },
    true
  );

  // The "With selected" menu: actions.js asks the action's confirm() and posts its form.
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-bulk-action]");
    if (action && window.modelActions) {
      window.modelActions.execute(action.dataset.bulkAction);
    }
  });

  // A row's delete button posts only once the user has said yes.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
