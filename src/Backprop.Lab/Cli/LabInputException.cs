namespace Backprop.Lab.Cli;

/// <summary>Bad input found while running (an unreadable CSV, a malformed row): the message names the option or the line; exit code 2.</summary>
internal sealed class LabInputException(string message) : Exception(message);
