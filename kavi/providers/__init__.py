"""Outside services KAVI talks to: Gemini, ElevenLabs, and the check that Gemini's numbers are ours.
Their SDKs are imported on first use, so a worker boots without them."""
