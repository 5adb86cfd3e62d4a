import type { Config } from "tailwindcss";

// The single source of Bankline's theme tokens; loaded by app/globals.css through @config.
export default {
  content: ["./app/**/*.{ts,tsx}", "./server/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: {
          50: "#eef6ff",
          100: "#d9eaff",
          500: "#2f6fde",
          600: "#1f58c2",
          700: "#1a469b",
          900: "#132c5c",
        },
        ink: { DEFAULT: "#1b2330", muted: "#5b6677", faint: "#8a94a6" },
        surface: { DEFAULT: "#ffffff", sunken: "#f5f7fa", line: "#dde3eb" },
        ok: { DEFAULT: "#17794a", soft: "#e5f5ec" },
        warn: { DEFAULT: "#8a5a00", soft: "#fff4d6" },
        danger: { DEFAULT: "#b42318", soft: "#fdeceb" },
      },
      fontFamily: {
        sans: ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
      },
      borderRadius: { card: "0.75rem" },
    },
  },
} satisfies Config;
