/**
 * A form-level message (conflict, rate limit), announced to screen readers. Inside a Conform
 * form pass `id={form.errorId}`: the form's aria-describedby points at it.
 */
export function FormError({ message, id }: { message?: string | null; id?: string }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" id={id}>
      {message}
    </div>
  );
}
