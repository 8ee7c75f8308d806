import HermesCore

extension ToolRegistry {
    /// The built-in tools in their toolsets: `terminal` (terminal, process); `file` (read_file, write_file, patch,
    /// search_files); `web` (web_search, web_extract); `todo`; `memory`. Same names and toolsets as
    /// the Python project.
    public static func builtIn(extra: [Entry] = []) -> ToolRegistry {
        ToolRegistry(builtInEntries + extra)
    }

    /// The entries of the built-in tools.
    public static let builtInEntries: [Entry] = [
        Entry(toolset: "terminal", spec: TerminalTool.spec) { TerminalTool() },
        Entry(toolset: "terminal", spec: ProcessTool.spec) { ProcessTool() },
        Entry(toolset: "file", spec: ReadFileTool.spec) { ReadFileTool() },
        Entry(toolset: "file", spec: WriteFileTool.spec) { WriteFileTool() },
        Entry(toolset: "file", spec: PatchTool.spec) { PatchTool() },
        Entry(toolset: "file", spec: SearchFilesTool.spec) { SearchFilesTool() },
        Entry(toolset: "web", spec: WebSearchTool.spec) { WebSearchTool() },
        Entry(toolset: "web", spec: WebExtractTool.spec) { WebExtractTool() },
        Entry(toolset: "todo", spec: TodoTool.spec) { TodoTool() },
        Entry(toolset: "memory", spec: MemoryTool.spec) { MemoryTool() },
    ]
}
