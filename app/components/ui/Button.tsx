import type { ButtonHTMLAttributes } from "react";
import { Link, type LinkProps } from "@remix-run/react";

type Variant = "primary" | "secondary" | "danger" | "link";

export function Button({
  variant = "primary",
  className,
  type = "submit",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return <button type={type} className={`btn btn-${variant} ${className ?? ""}`} {...props} />;
}

export function ButtonLink({ variant = "primary", className, ...props }: LinkProps & { variant?: Variant }) {
  return <Link className={`btn btn-${variant} ${className ?? ""}`} {...props} />;
}
