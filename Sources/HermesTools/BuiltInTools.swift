import HermesCore

extension ToolRegistry {
    /// The built-in tools in their toolsets: `terminal` (terminal, process); `file` (read_file,
    /// write_file, patch, search_files); `web` (web_search, web_extract); `todo`; `memory`; `skills`
    /// (skills_list, skill_view, skill_manage); `session_search`. Same names and toolsets as the
    /// Python project.
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
        Entry(toolset: "skills", spec: SkillsListTool.spec) { SkillsListTool() },
        Entry(toolset: "skills", spec: SkillViewTool.spec) { SkillViewTool() },
        Entry(toolset: "skills", spec: SkillManageTool.spec) { SkillManageTool() },
        Entry(toolset: "session_search", spec: SessionSearchTool.spec) { SessionSearchTool() },
    ]

    /// The built-in tools for a runtime whose home is `hermesHome`: `skill_manage`'s description
    /// names where new skills go, as Python's does (`~/.hermes/skills/` only for the default home).
    public static func builtIn(hermesHome: String?, userHome: String) -> ToolRegistry {
        guard let hermesHome else { return builtIn() }
        let spec = SkillManageTool.specification(displayHome: SkillsLibrary.displayHome(SkillFiles.normalized(hermesHome), userHome: userHome))
        return builtIn(extra: [Entry(toolset: "skills", spec: spec) { SkillManageTool(spec: spec) }])
    }
}
