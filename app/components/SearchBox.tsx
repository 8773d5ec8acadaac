/**
 * The search box in the header (docs/domain.md, "Search"): a plain GET form to /search, so it
 * works without JavaScript. With JavaScript, `/` anywhere on the page puts the cursor in it,
 * unless the person is typing in a field (or holds a modifier key).
 */
import { Form, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** Whether a key press happens while typing somewhere, where `/` is a character to type. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

export function SearchBox() {
  const input = useRef<HTMLInputElement>(null);
  const location = useLocation();
  // On the results page the box shows the search; elsewhere it starts empty.
  const current = location.pathname === "/search" ? (new URLSearchParams(location.search).get("q") ?? "") : "";

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typingIn(event.target)) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <Form method="get" action="/search" role="search" aria-label="Site search" className="search-box">
      <label htmlFor="site-search" className="sr-only">
        Search Triad
      </label>
      <input
        ref={input}
        key={current}
        id="site-search"
        name="q"
        type="search"
        defaultValue={current}
        maxLength={100}
        placeholder="Search (press /)"
        aria-keyshortcuts="/"
        autoComplete="off"
      />
    </Form>
  );
}
