# orgmodel 命令补全(PowerShell)。在 PowerShell 中运行一次:
#   . .\scripts\orgmodel-completion.ps1
# 或把这一行加进 $PROFILE,以后每次打开 PowerShell 都有补全。
# 它按 click 的补全协议调用 orgmodel 本身(_ORGMODEL_COMPLETE=bash_complete),所以命令、选项和中文选项值都能补全。
Register-ArgumentCompleter -Native -CommandName orgmodel, orgmodel.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $cword = $words.Count
    if ($wordToComplete -ne '') { $cword = $words.Count - 1 }
    $env:_ORGMODEL_COMPLETE = 'bash_complete'
    $env:COMP_WORDS = ($words -join ' ')
    $env:COMP_CWORD = "$cword"
    try {
        $lines = & $words[0] 2>$null
    } finally {
        Remove-Item Env:_ORGMODEL_COMPLETE, Env:COMP_WORDS, Env:COMP_CWORD -ErrorAction SilentlyContinue
    }
    foreach ($line in $lines) {
        $kind, $value = $line -split ',', 2
        if ($kind -eq 'plain' -and $value) {
            [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $value)
        }
    }
}
