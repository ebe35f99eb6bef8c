/** Moved to the parties feature; kept so the invoice form's import keeps working until it points there. */
export { PartyForm } from "@/features/parties/components/PartyForm";
