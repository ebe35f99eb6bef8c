import { PartyList } from "../components/PartyList";

export default function Customers() {
  return <PartyList kind="customer" />;
}
