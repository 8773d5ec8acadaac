/**
 * zod schemas shared by forms, the API and (later) the OpenAPI document. Messages are
 * written for the person filling in the form: they appear next to the field.
 */
import { z } from "zod";
import { DISCIPLINES, ROLES } from "../../db/schema";

import { PASSWORD_MIN } from "./limits";

export { PASSWORD_MIN };

export const nameField = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(120, "Keep the name under 120 characters.");

export const emailField = z
  .string({ error: "Enter an e-mail address." })
  .trim()
  .min(1, "Enter an e-mail address.")
  .max(254, "That e-mail address is too long.")
  .pipe(z.email("Enter a valid e-mail address, like ada@example.com."))
  .transform((email) => email.toLowerCase());

export const passwordField = z
  .string({ error: "Enter a password." })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(256, "Use at most 256 characters.");

export const disciplineField = z.enum(DISCIPLINES, {
  error: "Choose business, data science or IT operations.",
});
export const roleField = z.enum(ROLES, { error: "Choose admin or member." });

export const setupSchema = z.object({
  name: nameField,
  email: emailField,
  password: passwordField,
  discipline: disciplineField.default("business"),
});

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password."),
});

export const newUserSchema = z.object({
  name: nameField,
  email: emailField,
  discipline: disciplineField,
  role: roleField,
  password: passwordField,
});

export const updateUserSchema = z.object({
  discipline: disciplineField,
  role: roleField,
  version: z.coerce.number().int().positive(),
});

export const profileSchema = z.object({ name: nameField });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: passwordField,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  });
