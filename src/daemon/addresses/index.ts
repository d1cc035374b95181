// Floating addresses on the host over iproute2: the port and watches
// (IprouteAddressSystem), the gate that orders address changes around
// announcements, watch mode, and the glue from the parsed config.

export { AddressError, type AddressErrorReason } from './errors.js';
export { IprouteAddressSystem, type IprouteAddressOptions } from './iproute.js';
export { IprouteAddressPort, type IprouteAddressPortOptions } from './iproute-port.js';
export { FileAddressLedger, formatLedger, ledgerPathFor, parseLedger, type AddressLedger, type LedgerEntry } from './ledger.js';
export { InterfaceWatch, WATCH_DEFAULTS, type InterfaceWatchOptions } from './interface-watch.js';
export { ipMonitor, monitorLineInterface, type MonitorHandle, type StartMonitor } from './ip-monitor.js';
export { parseAddrShow, parseInterfaces, isUsable, linkStateOf, usableAddresses, type InterfaceScan, type KernelAddress, type KernelLink, type LinkState } from './parse-addr-show.js';
export { AddressGate, DEFAULT_ADDRESS_RETRY_MS, type AddressGateOptions, type AddressGateObservation, type AddressGateStatus } from './gate.js';
export { addressesToRemove, initialGateState, missingPrefixes, stepGate, type AddressNeed, type GateAction, type GateEvent, type GateState } from './gate-plan.js';
export { selectWatchPrefixes, globMatch, type WatchFilter, type WatchSelection, type Ipv6WatchLength } from './watch-filter.js';
export { WatchEntries, type WatchEntriesOptions } from './watch-entries.js';
export { addressNeeds, addressPresentSpec, leftoverScope, watchFilterOf, watchAttributesOf, type ServiceWithAddress } from './from-config.js';
