namespace IpyBox.AI;

/// <summary>Where a generated Python name is defined, which decides the names it must avoid.</summary>
internal enum PythonNameScope
{
    /// <summary>A module-level name (a function, a package): avoids keywords, builtins and the module's exports.</summary>
    Module,

    /// <summary>A function parameter: avoids keywords only; shadowing a builtin inside the function is harmless.</summary>
    Parameter,
}
