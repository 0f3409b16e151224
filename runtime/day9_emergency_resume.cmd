@echo off
REM Resume trading without a restart (see day9_emergency_resume.sh):
REM day9_emergency_resume.cmd [--strategy S] [--symbol X] [--url URL]
REM Needs Java 17 and executor\target\day9.jar.
setlocal
set JAR="%~dp0..\executor\target\day9.jar"
java -jar %JAR% emergency resume %1 %2 %3 %4 %5 %6 %7 %8 %9
exit /b %ERRORLEVEL%
