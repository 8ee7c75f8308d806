import HermesCore
import Synchronization

/// Every tool the runtime knows, by name and by toolset.
///
/// Lookups are O(1). A tool is constructed the first time it is called, not at start-up, and
/// the spec list for a toolset selection is built once and then served from a cache (the
/// selection set is small and fixed by configuration, so the cache is bounded by it).
public final class ToolRegistry: Sendable {
    /// How to make one tool, and what it is.
    public struct Entry: Sendable {
        /// The tool's spec, known without constructing it.
        public var spec: ToolSpec
        /// The toolset it belongs to.
        public var toolset: String
        /// Makes the tool.
        public var make: @Sendable () -> any Tool

        /// Makes an entry.
        public init(toolset: String, spec: ToolSpec, make: @escaping @Sendable () -> any Tool) {
            self.spec = spec
            self.toolset = toolset
            self.make = make
        }
    }

    private let entries: [String: Entry]
    private let toolsets: [String: [String]]
    private let built = Mutex<[String: any Tool]>([:])
    private let specCache = Mutex<[[String]: [ToolSpec]]>([:])

    /// Makes a registry from entries; a later entry of the same name replaces an earlier one.
    public init(_ entries: [Entry]) {
        var byName: [String: Entry] = [:]
        var toolsets: [String: [String]] = [:]
        for entry in entries {
            if byName[entry.spec.name] == nil { toolsets[entry.toolset, default: []].append(entry.spec.name) }
            byName[entry.spec.name] = entry
        }
        self.entries = byName
        self.toolsets = toolsets
    }

    /// The names of all toolsets, sorted.
    public var toolsetNames: [String] { toolsets.keys.sorted() }

    /// The tool names of `toolset`, in registration order; `nil` for an unknown toolset.
    public func tools(inToolset toolset: String) -> [String]? { toolsets[toolset] }

    /// The tool called `name`, constructing it on first use; `nil` when there is none.
    public func tool(named name: String) -> (any Tool)? {
        if let tool = built.withLock({ $0[name] }) { return tool }
        guard let entry = entries[name] else { return nil }
        let tool = entry.make()
        return built.withLock { built in
            if let existing = built[name] { return existing }
            built[name] = tool
            return tool
        }
    }

    /// The specs of the tools in `selection` (toolset names; `all` selects every toolset), sorted
    /// by name. Throws for an unknown toolset, naming the ones there are.
    public func specs(forToolsets selection: [String]) throws(ToolError) -> [ToolSpec] {
        let key = Array(Set(selection)).sorted()
        if let cached = specCache.withLock({ $0[key] }) { return cached }
        var names = Set<String>()
        for toolset in key {
            if toolset == "all" {
                names.formUnion(entries.keys)
            } else if let members = toolsets[toolset] {
                names.formUnion(members)
            } else {
                throw ToolError(
                    .invalidArguments,
                    "unknown toolset \"\(toolset)\"; known toolsets: \((toolsetNames + ["all"]).joined(separator: ", "))"
                )
            }
        }
        let specs = names.sorted().compactMap { entries[$0]?.spec }
        specCache.withLock { $0[key] = specs }
        return specs
    }
}
