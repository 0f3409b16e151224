@echo off
REM The emergency stop (see day9_emergency_stop.sh): day9_emergency_stop.cmd ["reason"] [options]
REM Options of day9 emergency stop: --strategy S, --symbol X, --reduce-only, --flatten, --url.
REM Exit 0 VERIFIED, 3 stopped but NOT VERIFIED. Needs Java 17 and executor\target\day9.jar.
setlocal
set JAR="%~dp0..\executor\target\day9.jar"
set REASON=emergency stop script
set FIRST=%~1
if "%FIRST%"=="" goto run
if "%FIRST:~0,1%"=="-" goto run
set REASON=%~1
shift
:run
java -jar %JAR% emergency stop --reason "%REASON%" %1 %2 %3 %4 %5 %6 %7 %8 %9
exit /b %ERRORLEVEL%
