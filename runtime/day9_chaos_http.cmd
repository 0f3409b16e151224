@echo off
REM The guide's HTTP chaos switch (see day9_chaos_http.sh): day9_chaos_http.cmd on^|off [options]
REM on = httpErrorPct 15, latencyMs 200 (CHAOS_HTTP_ERROR_PCT / CHAOS_HTTP_LATENCY_MS override).
REM Needs Java 17 and a built executor\target\day9.jar.
setlocal
if "%CHAOS_HTTP_ERROR_PCT%"=="" set CHAOS_HTTP_ERROR_PCT=15
if "%CHAOS_HTTP_LATENCY_MS%"=="" set CHAOS_HTTP_LATENCY_MS=200
set JAR="%~dp0..\executor\target\day9.jar"
if /I "%~1"=="on" goto on
if /I "%~1"=="off" goto off
echo usage: %~nx0 on^|off [options of 'day9 chaos on'] 1>&2
exit /b 2
:on
shift
java -jar %JAR% chaos on --error-pct %CHAOS_HTTP_ERROR_PCT% --latency-ms %CHAOS_HTTP_LATENCY_MS% %1 %2 %3 %4 %5 %6 %7 %8 %9
exit /b %ERRORLEVEL%
:off
shift
java -jar %JAR% chaos off %1 %2 %3 %4 %5 %6 %7 %8 %9
exit /b %ERRORLEVEL%
