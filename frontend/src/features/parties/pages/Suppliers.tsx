import { PartyList } from "../components/PartyList";

export default function Suppliers() {
  return <PartyList kind="supplier" />;
}
