// Embedded tables for lodestar synth. All text below was written for Lodestar.
#include "synth/tables.h"

namespace lodestar::synth::internal {

// clang-format off
const City kCities[] = {
  {"Portland", "OR", "Portland, OR", "portland-or", Country::kUs, 45.52, -122.68, 6, "503,971"},
  {"Portland", "ME", "Portland, ME", "portland-me", Country::kUs, 43.66, -70.26, 1, "207"},
  {"Springfield", "IL", "Springfield, IL", "springfield-il", Country::kUs, 39.80, -89.64, 1, "217"},
  {"Springfield", "MO", "Springfield, MO", "springfield-mo", Country::kUs, 37.21, -93.29, 1, "417"},
  {"Springfield", "MA", "Springfield, MA", "springfield-ma", Country::kUs, 42.10, -72.59, 1, "413"},
  {"Seattle", "WA", "Seattle, WA", "seattle", Country::kUs, 47.61, -122.33, 7, "206"},
  {"Tacoma", "WA", "Tacoma, WA", "tacoma", Country::kUs, 47.25, -122.44, 2, "253"},
  {"Spokane", "WA", "Spokane, WA", "spokane", Country::kUs, 47.66, -117.43, 1, "509"},
  {"Boise", "ID", "Boise, ID", "boise", Country::kUs, 43.62, -116.20, 1, "208"},
  {"Sacramento", "CA", "Sacramento, CA", "sacramento", Country::kUs, 38.58, -121.49, 4, "916"},
  {"San Francisco", "CA", "San Francisco, CA", "sf", Country::kUs, 37.77, -122.42, 6, "415"},
  {"Oakland", "CA", "Oakland, CA", "oakland", Country::kUs, 37.80, -122.27, 4, "510"},
  {"San Jose", "CA", "San Jose, CA", "sanjose", Country::kUs, 37.34, -121.89, 4, "408"},
  {"Fresno", "CA", "Fresno, CA", "fresno", Country::kUs, 36.74, -119.79, 2, "559"},
  {"Los Angeles", "CA", "Los Angeles, CA", "la", Country::kUs, 34.05, -118.24, 14, "213,323,310"},
  {"San Diego", "CA", "San Diego, CA", "sandiego", Country::kUs, 32.72, -117.16, 6, "619,858"},
  {"Riverside", "CA", "Riverside, CA", "riverside", Country::kUs, 33.95, -117.40, 3, "951"},
  {"Las Vegas", "NV", "Las Vegas, NV", "lasvegas", Country::kUs, 36.17, -115.14, 10, "702"},
  {"Reno", "NV", "Reno, NV", "reno", Country::kUs, 39.53, -119.81, 1, "775"},
  {"Phoenix", "AZ", "Phoenix, AZ", "phoenix", Country::kUs, 33.45, -112.07, 7, "602,480"},
  {"Tucson", "AZ", "Tucson, AZ", "tucson", Country::kUs, 32.22, -110.97, 2, "520"},
  {"Albuquerque", "NM", "Albuquerque, NM", "albuquerque", Country::kUs, 35.08, -106.65, 2, "505"},
  {"Salt Lake City", "UT", "Salt Lake City, UT", "saltlake", Country::kUs, 40.76, -111.89, 2, "801"},
  {"Denver", "CO", "Denver, CO", "denver", Country::kUs, 39.74, -104.99, 6, "303,720"},
  {"Dallas", "TX", "Dallas, TX", "dallas", Country::kUs, 32.78, -96.80, 8, "214,972"},
  {"Fort Worth", "TX", "Fort Worth, TX", "fortworth", Country::kUs, 32.76, -97.33, 3, "817"},
  {"Houston", "TX", "Houston, TX", "houston", Country::kUs, 29.76, -95.37, 10, "713,832"},
  {"San Antonio", "TX", "San Antonio, TX", "sanantonio", Country::kUs, 29.42, -98.49, 4, "210"},
  {"Austin", "TX", "Austin, TX", "austin", Country::kUs, 30.27, -97.74, 4, "512"},
  {"El Paso", "TX", "El Paso, TX", "elpaso", Country::kUs, 31.76, -106.49, 2, "915"},
  {"Oklahoma City", "OK", "Oklahoma City, OK", "okc", Country::kUs, 35.47, -97.52, 2, "405"},
  {"Kansas City", "MO", "Kansas City, MO", "kansascity", Country::kUs, 39.10, -94.58, 3, "816"},
  {"St. Louis", "MO", "St. Louis, MO", "stlouis", Country::kUs, 38.63, -90.20, 3, "314"},
  {"Omaha", "NE", "Omaha, NE", "omaha", Country::kUs, 41.26, -95.93, 1, "402"},
  {"Minneapolis", "MN", "Minneapolis, MN", "minneapolis", Country::kUs, 44.98, -93.27, 4, "612"},
  {"Chicago", "IL", "Chicago, IL", "chicago", Country::kUs, 41.88, -87.63, 12, "312,773"},
  {"Milwaukee", "WI", "Milwaukee, WI", "milwaukee", Country::kUs, 43.04, -87.91, 2, "414"},
  {"Detroit", "MI", "Detroit, MI", "detroit", Country::kUs, 42.33, -83.05, 5, "313"},
  {"Indianapolis", "IN", "Indianapolis, IN", "indianapolis", Country::kUs, 39.77, -86.16, 3, "317"},
  {"Columbus", "OH", "Columbus, OH", "columbus", Country::kUs, 39.96, -83.00, 3, "614"},
  {"Cleveland", "OH", "Cleveland, OH", "cleveland", Country::kUs, 41.50, -81.69, 3, "216"},
  {"Cincinnati", "OH", "Cincinnati, OH", "cincinnati", Country::kUs, 39.10, -84.51, 2, "513"},
  {"Nashville", "TN", "Nashville, TN", "nashville", Country::kUs, 36.16, -86.78, 3, "615"},
  {"Memphis", "TN", "Memphis, TN", "memphis", Country::kUs, 35.15, -90.05, 2, "901"},
  {"Louisville", "KY", "Louisville, KY", "louisville", Country::kUs, 38.25, -85.76, 2, "502"},
  {"Atlanta", "GA", "Atlanta, GA", "atlanta", Country::kUs, 33.75, -84.39, 10, "404,678"},
  {"Charlotte", "NC", "Charlotte, NC", "charlotte", Country::kUs, 35.23, -80.84, 4, "704"},
  {"Raleigh", "NC", "Raleigh, NC", "raleigh", Country::kUs, 35.78, -78.64, 2, "919"},
  {"Miami", "FL", "Miami, FL", "miami", Country::kUs, 25.76, -80.19, 9, "305,786"},
  {"Orlando", "FL", "Orlando, FL", "orlando", Country::kUs, 28.54, -81.38, 5, "407"},
  {"Tampa", "FL", "Tampa, FL", "tampa", Country::kUs, 27.95, -82.46, 4, "813"},
  {"Jacksonville", "FL", "Jacksonville, FL", "jacksonville", Country::kUs, 30.33, -81.66, 2, "904"},
  {"New Orleans", "LA", "New Orleans, LA", "neworleans", Country::kUs, 29.95, -90.07, 3, "504"},
  {"Birmingham", "AL", "Birmingham, AL", "birmingham-al", Country::kUs, 33.52, -86.80, 1, "205"},
  {"Washington", "DC", "Washington, DC", "dc", Country::kUs, 38.91, -77.04, 6, "202"},
  {"Baltimore", "MD", "Baltimore, MD", "baltimore", Country::kUs, 39.29, -76.61, 3, "410"},
  {"Philadelphia", "PA", "Philadelphia, PA", "philadelphia", Country::kUs, 39.95, -75.17, 6, "215,267"},
  {"Pittsburgh", "PA", "Pittsburgh, PA", "pittsburgh", Country::kUs, 40.44, -80.00, 2, "412"},
  {"Newark", "NJ", "Newark, NJ", "newark", Country::kUs, 40.74, -74.17, 3, "973"},
  {"New York", "NY", "New York, NY", "nyc", Country::kUs, 40.71, -74.01, 14, "212,646,917"},
  {"Buffalo", "NY", "Buffalo, NY", "buffalo", Country::kUs, 42.89, -78.88, 1, "716"},
  {"Boston", "MA", "Boston, MA", "boston", Country::kUs, 42.36, -71.06, 5, "617"},
  {"Hartford", "CT", "Hartford, CT", "hartford", Country::kUs, 41.76, -72.67, 1, "860"},
  {"Providence", "RI", "Providence, RI", "providence", Country::kUs, 41.82, -71.41, 1, "401"},
  {"Honolulu", "HI", "Honolulu, HI", "honolulu", Country::kUs, 21.31, -157.86, 2, "808"},
  {"Anchorage", "AK", "Anchorage, AK", "anchorage", Country::kUs, 61.22, -149.90, 1, "907"},
  {"Toronto", "ON", "Toronto, ON", "toronto", Country::kCa, 43.65, -79.38, 5, "416,647"},
  {"Vancouver", "BC", "Vancouver, BC", "vancouver", Country::kCa, 49.28, -123.12, 3, "604"},
  {"Montreal", "QC", "Montreal, QC", "montreal", Country::kCa, 45.50, -73.57, 3, "514"},
  {"Tijuana", "BC", "Tijuana, B.C., Mexico", "tijuana", Country::kMx, 32.51, -117.04, 2, "664"},
  {"Mexico City", "CDMX", "Ciudad de Mexico, CDMX", "cdmx", Country::kMx, 19.43, -99.13, 2, "55"},
  {"London", "ENG", "London, UK", "london", Country::kGb, 51.51, -0.13, 3, "7"},
  {"Manchester", "ENG", "Manchester, UK", "manchester", Country::kGb, 53.48, -2.24, 1, "7"},
};
const size_t kNumCities = sizeof(kCities) / sizeof(kCities[0]);

const char* const kNames[] = {
  "Amber", "Angel", "Aaliyah", "Bella", "Brandy", "Candy", "Chloe", "Crystal", "Destiny", "Diamond",
  "Ebony", "Emma", "Essence", "Gigi", "Jade", "Jasmine", "Kayla", "Kiki", "Lexi", "Lily",
  "Luna", "Mia", "Monique", "Nikki", "Paris", "Raven", "Roxy", "Ruby", "Sasha", "Scarlett",
  "Sky", "Stacy", "Tiffany", "Valentina", "Vanessa", "Victoria", "Violet", "Yasmin", "Zoe", "Anna",
  "Natasha", "Mei", "Yuki", "Sofia", "Camila", "Lucia", "Ximena", "Daniela", "Kim", "Layla",
  "Nadia", "Priya", "Tasha", "Brooke", "Carmen", "Dahlia", "Honey", "Ivy", "Jenna", "Kendra",
  "Mercedes", "Misty", "Nova", "Peaches", "Rosa", "Selena", "Skye", "Stormy", "Summer", "Trinity",
  "Dior", "Chanel", "Coco", "Hazel", "Lola", "Maya", "Nina", "Olivia", "Pearl", "Sienna",
};
const size_t kNumNames = sizeof(kNames) / sizeof(kNames[0]);

// Built-in templates. Some carry indicator phrases from the literature ("new in
// town", "just arrived", "young", "fresh", "my girls", "24/7", "leaving soon"),
// others are plain independent-provider or massage ads. Indicators are not labels.
const BuiltinTemplate kTemplates[] = {
  // t01 emoji-heavy, arrival
  {"✨💋 {name} just arrived in {city} 💋✨ sweet & fresh",
   "💕 Hey gentlemen, I'm {name} 💕\n🌸 Just arrived in {city} for a few days only 🌸\n"
   "😘 {age} years young, {stats}, {height} of pure fun 😘\n💰 {price} {duration} 💰\n"
   "📱 Text {phone} 📱 no blocked calls\n📸 {handle}",
   " "},
  // t02 terse
  {"{name} - incall {city}", "Incall only.\n{price} {duration}.\nText {phone}.\nNo texts after 2am.\nAge {age}.", " "},
  // t03 long, independent provider
  {"Upscale companion {name} available this week in {city}",
   "Good evening and thank you for taking the time to read my ad.\n"
   "My name is {name} and I am an independent companion who values discretion, respect and good conversation.\n"
   "I am {age}, with {stats} curves, standing {height} and weighing {weight}.\n"
   "I enjoy dinner dates, long conversations and making new friends who appreciate the finer things.\n"
   "My rates are {price} for {duration} and {price2} for the full hour.\n"
   "Please introduce yourself when you reach out at {phone} and tell me a little about yourself.\n"
   "Email screening is preferred: {email}",
   " "},
  // t04 new in town, multiple girls
  {"NEW IN TOWN 🔥 2 GIRLS AVAILABLE 🔥 {city}",
   "New in town!!\nMy girls are ready to play.\nYoung, fresh and fun.\nIncall and outcall.\n"
   "{price} {duration}\nAsk for {name}\nCall or text {phone}",
   "\n"},
  // t05 massage
  {"Relaxing massage by {name} in {city}",
   "Stressed out after work? Treat yourself to a full body relaxing massage.\n"
   "Clean quiet private studio, hot towels and soft music.\n"
   "Open {hours}, walk-ins welcome when available.\n"
   "Special today {price} for {duration}.\nCall {phone} and ask for {name}.",
   " "},
  // t06 leaving soon
  {"LEAVING SOON!! last chance to see {name} 💋",
   "Leaving {city} soon, last days to catch me!\nI'm {name}, {age} yrs old, {height}, {weight}.\n"
   "Donations: {price} {duration} / {price2} hr\nText me now {phone}",
   "\n"},
  // t07 24/7 agency style
  {"24/7 Hot Asian Girls {city} ❤️",
   "Open 24/7\nNew girls every week\nYoung and friendly\nClean private rooms\n{price} special\nCall {phone}",
   "\n"},
  // t08 casual, lower-case
  {"hey its {name} ;) in {city} tonight",
   "hey guys its {name} again lol\nim {age} and super laid back\ni do incall near the airport and outcall to hotels\n"
   "{price} for {duration}, no games no rush\ntext me at {phone}\nsnap or ig {handle}",
   " "},
  // t09 verified-provider
  {"Verified & reviewed ✔️ {name} ✔️ {city} visit",
   "Verified provider with great reviews.\nVisiting {city} on tour, book early!\n"
   "Screening required: name, work email and one reference.\n"
   "Rates: {price} {duration} | {price2} 1hr | overnight on request.\nBooking by text only {phone}.\nEmail {email}",
   " "},
  // t10 spanish-mix
  {"Latina caliente {name} 🌶️ {city}",
   "Hola papi, soy {name} 💃\nLatina de {age} años, {stats}\nNew in town, solo por unos días\n"
   "{price} {duration}\nLlámame o texto {phone}\nWhatsApp disponible",
   " "},
  // t11 bbw / curvy
  {"Curvy and sweet {name} waiting for you",
   "Thick, curvy and loving every inch of it.\nI'm {name}, {age}, {height} and {weight} of pure softness.\n"
   "No rush, no attitude, just good company.\n{price} {duration}.\nText only {phone}.",
   " "},
  // t12 student
  {"College girl {name} 📚 discreet fun",
   "Young college student working her way through school.\nI'm {age}, petite, {stats}.\n"
   "Only available {hours} because of classes.\n{price} for {duration}.\nText {phone}, be respectful.\n"
   "Follow me {handle}",
   " "},
  // t13 mature
  {"Mature, classy, discreet - {name}",
   "Elegant mature lady for the gentleman who knows what he wants.\nDiscreet upscale incall in {city}.\n"
   "{price} {duration}, {price2} the hour.\nI answer {phone} personally.\nNo texts in all caps please.",
   " "},
  // t14 ALL CAPS
  {"NEW GIRL {name} !!! {city} !!!",
   "BRAND NEW GIRL\nJUST ARRIVED\n{age} YEARS OLD\n{stats}\n{price} SPECIAL\nCALL {phone}\nNO POLICE",
   " "},
  // t15 tour dates style
  {"{name} on tour ✈️ {city} this week only",
   "✈️ Tour update ✈️\nI'm in {city} this week only, then moving on.\n"
   "Book ahead, my schedule fills up fast.\n{price} {duration} / {price2} hr.\nText {phone}\nIG {handle}",
   "\n"},
  // t16 spa
  {"Grand opening spa - new staff - {city}",
   "Grand opening!\nNew young staff from overseas.\nTable shower, hot stone, deep tissue.\nOpen {hours}.\n"
   "{price} for {duration}.\nCall {phone}.",
   " "},
  // t17 ebony
  {"Chocolate beauty {name} 🍫 {city}",
   "Sexy chocolate beauty ready to make your day 🍫\n{age}, {height}, {stats}\nIncall in a safe upscale area.\n"
   "{price} {duration}\n📲 {phone}",
   " "},
  // t18 snapchat-first
  {"add my snap 👻 {name}",
   "Add me on snap for more pics 👻 {handle}\nI'm {name}, {age}, real and reviewed.\n{price} {duration}\nText {phone}",
   " "},
  // t19 duo special
  {"2 girl special 👯 {city}",
   "Double the fun with me and my best friend.\nTwo girl special {price2} for {duration}.\n"
   "Ask for {name}.\nBoth {age} and up for anything fun.\nCall {phone}",
   " "},
  // t20 short backpage-style, heavy punctuation
  {"~*~ {name} ~*~ outcall ~*~",
   "~*~ sexy & sweet ~*~\n~*~ {price} {duration} ~*~\n~*~ outcall only ~*~\n~*~ {phone} ~*~", " "},
  // t21 gfe
  {"Real GFE experience with {name}",
   "Looking for the girlfriend experience? You found it.\nCuddles, conversation and a genuine connection.\n"
   "I'm {name}, {age}, {height}.\n{price} for {duration}, {price2} for the hour.\n"
   "Text {phone} with your name and the time you want.",
   " "},
  // t22 in-call near landmark
  {"{name} near the airport - incall {city}",
   "Incall near the airport, easy parking.\nClean, discreet and safe.\nAvailable {hours}.\n"
   "{price} {duration}.\nText {phone}.\nReviews on request.",
   " "},
  // t23 cash app
  {"{name} 💸 deposits required",
   "New clients need a deposit before we meet.\nCash App or gift card only.\n{handle}\n"
   "{price} {duration}.\nText {phone} to book.",
   " "},
  // t24 fetish-friendly, long
  {"Open minded {name} - all fantasies welcome",
   "I'm an open minded companion who loves to explore.\nTell me your fantasy and let's talk about it.\n"
   "{age} years, {stats}, {height}, {weight}.\nIncall and outcall, hotels only.\n{price} {duration}.\n"
   "Call or text {phone}.\nNo pimps no police no drama.",
   " "},
  // t25 onlyfans promo
  {"{name} 🔞 content + meets",
   "Check my page {handle} for pics and videos.\nMeets available in {city} for verified fans.\n"
   "{price} {duration}.\nText {phone}.",
   " "},
  // t26 young, fresh
  {"Fresh young face {name} 🌷 {city}",
   "Fresh face, just started.\nYoung, shy and sweet.\nI'm {age} and new to this.\n{price} {duration}.\n"
   "Text {phone}, no calls.",
   " "},
  // t27 emoji-heavy short
  {"💦🔥💋 {name} 💋🔥💦",
   "💋 {name} 💋\n🔥 {age} 🔥\n💰 {price} 💰\n⏰ {hours} ⏰\n📱 {phone} 📱\n💌 {email}", " "},
  // t28 telegram
  {"{name} visiting {city} - telegram me",
   "Visiting {city} for a short time.\nPrefer Telegram {handle}.\nOr text {phone}.\n"
   "{price} {duration}, {price2} hour.\nSafe, discreet, respectful.",
   " "},
  // t29 massage terse
  {"Asian massage {city}", "Asian massage\nNew girls\n{hours}\n{price} {duration}\n{phone}", " - "},
  // t30 long story
  {"A sweet escape with {name}",
   "Life moves fast and sometimes you just need an hour that belongs only to you.\n"
   "I'm {name}, {age}, a warm and playful girl with a love for music and good food.\n"
   "I keep a clean and cozy place not far from downtown {city}.\n"
   "My donation is {price} for {duration}; longer dates are welcome and discounted.\n"
   "Send me a text at {phone} with your name and when you would like to visit.\n"
   "I don't answer blocked numbers or explicit messages.",
   " "},
  // t31 hotel special
  {"Hotel special tonight only {city}",
   "Hotel special tonight only!\nIn a nice hotel close to the freeway.\n{price} {duration}.\n"
   "Young and ready.\nText {phone} for the room number.",
   " "},
  // t32 kik / handle first
  {"{name} ~ kik or text",
   "Kik me {handle}\nor text {phone}\n{name}, {age}\n{price} {duration}\nincall {city}", "\n"},
  // t33 bilingual french
  {"{name} - Montreal style 💋 {city}",
   "Bonjour! Je m'appelle {name}.\nDouce, discrète, {age} ans.\n{price} {duration}.\nTexto {phone}.\n"
   "English and French spoken.",
   " "},
  // t34 agency-ish, my girls
  {"Top girls in {city} - outcall only",
   "We have the best girls in {city}.\nAll my girls are young, clean and ready.\nOutcall 24/7 to homes and hotels.\n"
   "{price} {duration}.\nCall {phone}.\nAsk for {name} tonight.",
   " "},
  // t35 returning
  {"Back in {city}!! {name} 💕",
   "I'm back in {city} by popular demand!\nReturning clients welcome, new friends screened.\n"
   "{age}, {stats}, {height}.\n{price} {duration}.\nText {phone}.\nEmail {email}",
   " "},
  // t36 no nonsense rules
  {"{name} - read before texting",
   "Read before you text:\n1. No explicit texts.\n2. No haggling.\n3. Be on time.\n"
   "{price} {duration}, {price2} hour.\n{phone}",
   "\n"},
  // t37 fitness
  {"Fit and toned {name} 💪",
   "Athletic, toned and always energetic.\nI'm {name}, {age}, {height}, {weight}.\n"
   "Gym in the morning, fun at night.\n{price} {duration}.\nText {phone}.\nIG {handle}",
   " "},
  // t38 very short
  {"{name} {city}", "{name}. {price} {duration}. {phone}", " "},
  // t39 holiday / event
  {"Special weekend rates {city} 🎉",
   "Special weekend rates for the big game!\nIn {city} Friday through Sunday.\n{price} {duration}.\n"
   "Text {phone}.\nAsk for {name}.",
   " "},
  // t40 whatsapp international
  {"{name} - WhatsApp only - {city}",
   "International girl, WhatsApp only.\nWhatsApp {phone}\nEnglish, Spanish, a little Portuguese.\n"
   "{age} years.\n{price} {duration}.\nEmail {email}",
   " "},
};
const size_t kNumTemplates = sizeof(kTemplates) / sizeof(kTemplates[0]);

// Sentences with distractor numbers (measurements, heights, weights, times,
// prices) so that age and phone extraction are tested against look-alikes.
const char* const kSentences[] = {
  "Stats: {stats}, {height}, {weight}.",
  "Available {hours} most days.",
  "Incall {price} / outcall {price2}.",
  "Please be patient, I reply to every text.",
  "No blocked numbers, no explicit texts.",
  "Clean, safe and discreet location with easy parking.",
  "Hygiene is a must.",
  "I love meeting new people and making them smile.",
  "Serious gentlemen only, no time wasters.",
  "Ask about my specials for regulars.",
  "Measurements {stats}, all natural.",
  "I'm {height} tall in flats.",
  "Hours: {hours}.",
  "Rates are firm, please don't ask for discounts.",
  "Real pictures, what you see is what you get.",
  "Short notice is fine, longer dates are welcome.",
  "Please text with your name and the time you'd like.",
  "I don't do bareback or anything unsafe.",
  "Outcall to hotels only, extra travel fee for homes.",
  "Women and couples welcome.",
  "I speak English and a little Spanish.",
  "Appointments from 15 min to overnight.",
  "Donations are for time and companionship only.",
  "Anything else is a choice between consenting adults.",
  "Reviews available on request.",
  "Discreet billing, I never call back unless you ask.",
  "I'm a real person, not an agency.",
  "Parking is free in the garage next door.",
  "Text me when you're 10 minutes away.",
  "Same-day appointments most days.",
  "Weekends fill up fast, so book early.",
  "I have a soft voice and a big laugh.",
  "I enjoy wine, cooking and long walks.",
  "Tattoos and piercings, ask to see them.",
  "Size 4, {weight}, long dark hair.",
  "Every visit is private and unhurried.",
  "No law enforcement or anyone affiliated.",
  "Cash only, please have it ready.",
  "Deposits for outcall, no exceptions.",
  "Let me help you relax after a long week.",
  "Bring a smile and an open mind.",
  "Hablo español.",
  "Quick visits {price}, full hour {price2}.",
  "Last call is around 2am.",
  "I can host or come to you.",
  "Friendly, bubbly and easy to talk to.",
  "Shower available before and after.",
  "Veterans and first timers welcome.",
  "No drugs, no drama.",
  "Please respect my time and I will respect yours.",
  "Photos are recent and unedited.",
  "Slim, {stats}, {height}, {weight}.",
  "I keep a very limited schedule.",
  "My place is close to downtown and the freeway.",
  "Hosting {hours} today.",
  "Rates: {price} quick visit.",
  "Texts answered faster than calls.",
  "Not for minors, 18+ only.",
  "Upscale gentlemen preferred.",
  "Everything is negotiable except respect.",
  "Booked most evenings, mornings are easier.",
  "I travel often, so see me while I'm here.",
};
const size_t kNumSentences = sizeof(kSentences) / sizeof(kSentences[0]);

const char* const kOpeners[] = {
  "Hi there, I'm {name}.",
  "Hello gentlemen, my name is {name}.",
  "{name} here, available now in {city}.",
  "Sweet and sexy {name} waiting for your call.",
  "It's {name}, back and better than ever.",
  "Hey! {name} in {city} today.",
  "New pics! {name} is available.",
  "Hello, I'm {name}, {age}, independent.",
};
const size_t kNumOpeners = sizeof(kOpeners) / sizeof(kOpeners[0]);

const char* const kSites[] = {"classifieds-a", "classifieds-b", "escort-dir-c", "massage-board-d"};
const size_t kNumSites = sizeof(kSites) / sizeof(kSites[0]);
// clang-format on

}  // namespace lodestar::synth::internal
