<#
.SYNOPSIS
Build the Windows installer of CNAPS Desktop and prove that it works.

.DESCRIPTION
From the repository root, with a Python that has the app and the torch build of the flavour
installed (`pip install torch --index-url https://download.pytorch.org/whl/cpu` or a CUDA index,
then `pip install -e ".[installer]"`):

    powershell -File installer\windows\build_windows.ps1 -Flavour cpu

1. PyInstaller bundle (installer\dist\cnaps-desktop\) and its --self-test.
2. Inno Setup installer installer\dist\CNAPS-Desktop-VERSION-windows-x64-FLAVOUR-setup.exe
   (the cuda flavour also writes Setup-N.bin slices beside it).
3. Installs it silently into a temporary folder, runs the installed copy's --self-test,
   uninstalls it silently and checks that the program is gone and a person's models are kept.

Environment:
  PYTHON                      the Python to build with (default: python)
  ISCC                        Inno Setup's compiler (default: found in Program Files or PATH)
  WINDOWS_SIGN_PFX            a code-signing certificate (.pfx); when set, the executables, the
                              installer and its uninstaller are signed with signtool
  WINDOWS_SIGN_PASSWORD       its password
  WINDOWS_SIGN_TIMESTAMP_URL  RFC 3161 time-stamp server (default: http://timestamp.digicert.com)

.PARAMETER Flavour
cpu or cuda; must match the torch build installed in PYTHON (checked).
#>
param(
    [ValidateSet("cpu", "cuda")]
    [string]$Flavour = "cpu"
)
$ErrorActionPreference = "Stop"
$root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $root
$python = if ($env:PYTHON) { $env:PYTHON } else { "python" }

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Find-Tool([string]$Name, [string[]]$Patterns) {
    foreach ($pattern in $Patterns) {
        $found = Get-ChildItem -Path $pattern -ErrorAction SilentlyContinue |
            Sort-Object FullName -Descending | Select-Object -First 1
        if ($found) { return $found.FullName }
    }
    $command = Get-Command $Name -ErrorAction SilentlyContinue
    if ($command) { return $command.Source }
    throw "$Name was not found; install it or point the environment variable at it."
}

# ------------------------------------------------------------------ the torch build must match
$cuda = (& $python -c "import torch; print(torch.version.cuda or '')").Trim()
if ($Flavour -eq "cuda" -and -not $cuda) { throw "Flavour cuda needs a CUDA build of torch; $python has the CPU build." }
if ($Flavour -eq "cpu" -and $cuda) { throw "Flavour cpu needs the CPU build of torch; $python has CUDA $cuda." }
$version = (& $python installer/bundle_plan.py version).Trim()
Write-Host "== CNAPS Desktop $version, Windows x64, $Flavour flavour (torch CUDA: '$cuda')"

# ---------------------------------------------------------------- 1. bundle and its self-test
$sign = [bool]$env:WINDOWS_SIGN_PFX
if ($sign) {
    $signtool = Find-Tool "signtool.exe" @("${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe")
    $timestamp = if ($env:WINDOWS_SIGN_TIMESTAMP_URL) { $env:WINDOWS_SIGN_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    $signArguments = @("sign", "/f", $env:WINDOWS_SIGN_PFX, "/p", $env:WINDOWS_SIGN_PASSWORD, "/fd", "sha256", "/tr", $timestamp, "/td", "sha256")
}
Invoke-Checked $python @("installer/make_icons.py", "--out", "installer/build/icons")
Invoke-Checked $python @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "installer/dist", "--workpath", "installer/build/pyinstaller", "installer/cnaps_desktop.spec")
$bundle = Join-Path $root "installer\dist\cnaps-desktop"
Invoke-Checked "$bundle\cnaps-desktop.exe" @("--self-test")
if ($sign) {
    Invoke-Checked $signtool ($signArguments + @("$bundle\cnaps-desktop.exe", "$bundle\CNAPS Desktop.exe"))
}
$bundleMB = [math]::Round((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "== bundle: $bundleMB MB"

# ------------------------------------------------------------------------ 2. the installer
$associations = Join-Path $root "installer\build\associations.iss"
Invoke-Checked $python @("installer/bundle_plan.py", "inno-associations", $associations)
$iscc = if ($env:ISCC) { $env:ISCC } else {
    Find-Tool "iscc.exe" @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe", "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")
}
$isccArguments = @(
    "/DAppVersion=$version", "/DFlavour=$Flavour", "/DBundleDir=$bundle",
    "/DIconFile=$root\installer\build\icons\cnaps-desktop.ico", "/DAssociations=$associations",
    "/DOutputDir=$root\installer\dist"
)
if ($sign) {
    $isccArguments += "/DSign"
    $isccArguments += "/Scnapssign=`"$signtool`" $($signArguments -join ' ') `$f"
}
Invoke-Checked $iscc ($isccArguments + @("installer\windows\cnaps_desktop.iss"))
$setup = Join-Path $root "installer\dist\CNAPS-Desktop-$version-windows-x64-$Flavour-setup.exe"
$setupMB = [math]::Round((Get-ChildItem "$root\installer\dist\CNAPS-Desktop-$version-windows-x64-$Flavour-setup*" | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "== installer: $setup ($setupMB MB with its slices)"

# -------------------------------------- 3. install, self-test the installed copy, uninstall
$target = Join-Path ([IO.Path]::GetTempPath()) "cnaps-desktop-install-test"
$models = Join-Path $env:LOCALAPPDATA "CNAPS\CNAPS Desktop\models"
$keepMe = Join-Path $models "self-test-keep-me.txt"
New-Item -ItemType Directory -Force $models | Out-Null
Set-Content -Path $keepMe -Value "a person's model stands here"
$install = Start-Process -FilePath $setup -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/TASKS=openwith",
    "/DIR=`"$target`"", "/LOG=`"$root\installer\build\install.log`"")
if ($install.ExitCode -ne 0) { throw "the installer exited with $($install.ExitCode); see installer\build\install.log" }
Invoke-Checked "$target\cnaps-desktop.exe" @("--self-test")
Start-Process -FilePath "$target\unins000.exe" -Wait -ArgumentList @("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
# The uninstaller hands over to a copy of itself and returns at once; wait for the copy.
for ($second = 0; (Test-Path "$target\cnaps-desktop.exe") -and $second -lt 300; $second++) { Start-Sleep 1 }
if (Test-Path "$target\cnaps-desktop.exe") { throw "the uninstaller left the program in $target" }
if (-not (Test-Path $keepMe)) { throw "the uninstaller deleted a person's models in $models" }
Remove-Item $keepMe
Write-Host "== installed, self-tested, uninstalled (models kept): $setup"
