"""Word lists for synthetic people and places: UK-style first names, surnames, nicknames, streets.

Common names only, chosen from no real person; combined at random they describe nobody in particular.
"""

BOY_NAMES = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie", "Jacob", "Thomas",
    "Henry", "William", "Freddie", "Alfie", "Theodore", "Archie", "Joshua", "James", "Ethan", "Isaac", "Alexander",
    "Joseph", "Edward", "Samuel", "Max", "Logan", "Lucas", "Mason", "Daniel", "Benjamin", "Sebastian", "Adam",
    "Dylan", "Finley", "Harrison", "Elijah", "Toby", "Reggie", "Jude", "Louie", "Tommy", "Hugo", "Riley", "Ronnie",
    "Albert", "Rory", "Frederick", "Zachary", "Jaxon", "Harvey", "Michael", "Matthew", "Christopher", "Jonathan",
    "Nicholas", "Anthony", "Robert", "David", "Andrew", "Richard", "Peter", "Stephen", "Paul", "Mark", "Luke",
    "Ryan", "Kyle", "Jordan", "Callum", "Connor", "Liam", "Nathan", "Owen", "Tyler", "Bradley", "Jamie", "Lewis",
    "Kieran", "Aaron", "Ben", "Cameron", "Declan", "Ellis", "Ewan", "Felix", "Gabriel", "Hayden", "Ibrahim",
    "Jayden", "Kai", "Leon", "Mohammed", "Niall", "Patrick", "Reuben", "Sonny", "Stanley", "Teddy", "Vincent",
    "Wilfred", "Yusuf", "Zain", "Ali", "Ayaan", "Hamza", "Omar", "Rayan", "Aryan", "Arjun", "Rohan", "Dev",
    "Harjeet", "Gurpreet", "Kayden", "Tobias", "Jasper", "Otis", "Ezra", "Caleb", "Bobby", "Frankie", "Charles",
    "Louis", "Elliot", "Jenson", "Carter", "Austin", "Blake", "Brandon", "Corey", "Dominic", "Ashton", "Jake",
    "Marcus", "Nathaniel", "Oakley", "Preston", "Rhys", "Shane", "Spencer", "Travis", "Warren", "Dean", "Craig",
    "Gavin", "Jason", "Lee", "Martin", "Neil", "Scott", "Simon", "Tony", "Wayne", "Kacper", "Jakub", "Szymon",
    "Filip", "Mateusz", "Kofi", "Kwame", "Tunde", "Emeka", "Chidi", "Malachi", "Tyrese", "Jerome", "Darnell",
)

GIRL_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie", "Sophia",
    "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Sofia",
    "Evie", "Charlotte", "Harper", "Millie", "Matilda", "Maya", "Sophie", "Alice", "Emilia", "Isabelle", "Ruby",
    "Luna", "Maisie", "Aria", "Penelope", "Mila", "Bonnie", "Eva", "Hallie", "Eliza", "Ada", "Violet", "Esme",
    "Arabella", "Imogen", "Jessica", "Delilah", "Rebecca", "Katherine", "Elizabeth", "Eleanor", "Margaret",
    "Jennifer", "Samantha", "Victoria", "Abigail", "Natalie", "Alexandra", "Megan", "Stephanie", "Danielle",
    "Gabriella", "Georgia", "Hannah", "Lauren", "Chloe", "Amy", "Bethany", "Caitlin", "Chelsea", "Courtney",
    "Demi", "Ellie", "Erin", "Faith", "Gemma", "Holly", "Jade", "Jasmine", "Kayleigh", "Keira", "Leah", "Lacey",
    "Libby", "Lola", "Lucy", "Molly", "Nadia", "Niamh", "Paige", "Rachel", "Scarlett", "Shannon", "Tia", "Zara",
    "Aisha", "Amira", "Fatima", "Hafsa", "Inaya", "Khadija", "Maryam", "Safa", "Zainab", "Anaya", "Priya",
    "Simran", "Harleen", "Jasleen", "Kiran", "Navdeep", "Aaliyah", "Amara", "Chantelle", "Keisha", "Precious",
    "Blessing", "Adaeze", "Ngozi", "Zuzanna", "Julia", "Maja", "Lena", "Hanna", "Amber", "April", "Bella",
    "Carly", "Dionne", "Emma", "Francesca", "Harriet", "Heidi", "Iris", "Jodie", "Kelly", "Laura", "Louise",
    "Marnie", "Nicole", "Orla", "Rose", "Sarah", "Tilly", "Vanessa", "Wendy", "Yasmin", "Zoe", "Claire", "Donna",
    "Joanne", "Karen", "Lisa", "Michelle", "Nicola", "Sharon", "Tracey", "Kerry", "Leanne", "Stacey", "Hayley",
    "Melissa", "Naomi", "Tanya", "Beverley",
)

SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson",
    "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
    "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
    "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence",
    "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose",
    "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson",
    "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn",
    "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson",
    "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke",
    "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson", "Shepherd", "Ross",
    "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald", "Yates",
    "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy",
    "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston", "Gordon",
    "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rahman", "Mahmood", "Iqbal", "Akhtar", "Sandhu",
    "Bains", "Sidhu", "Okafor", "Adeyemi", "Mensah", "Boateng", "Kowalski", "Nowak", "Wisniewski", "Campbell-Reid",
)

# Formal name -> the short forms a police officer might key instead (the duplicate-record problem).
NICKNAMES = {
    "Thomas": ("Tom", "Tommy"), "William": ("Will", "Billy"), "James": ("Jim", "Jamie"), "Robert": ("Rob", "Bob"),
    "Michael": ("Mike", "Mikey"), "Daniel": ("Dan", "Danny"), "Matthew": ("Matt",), "Christopher": ("Chris",),
    "Joseph": ("Joe", "Joey"), "Samuel": ("Sam", "Sammy"), "Benjamin": ("Ben", "Benji"), "Alexander": ("Alex",),
    "Jonathan": ("Jon", "Jonny"), "Nicholas": ("Nick", "Nicky"), "Anthony": ("Tony", "Ant"),
    "Edward": ("Ed", "Eddie"), "Charles": ("Charlie",), "Henry": ("Harry", "Hal"), "Oliver": ("Ollie",),
    "Jacob": ("Jake",), "Zachary": ("Zach", "Zac"), "Frederick": ("Fred", "Freddie"), "Theodore": ("Theo", "Teddy"),
    "Joshua": ("Josh",), "Nathan": ("Nate",), "Richard": ("Rich", "Ricky"), "Andrew": ("Andy", "Drew"),
    "Stephen": ("Steve",), "David": ("Dave", "Davey"), "Peter": ("Pete",), "Nathaniel": ("Nat", "Nate"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Katherine": ("Kate", "Katie", "Kathy"), "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"), "Abigail": ("Abbie", "Abby"), "Samantha": ("Sam", "Sammie"),
    "Victoria": ("Vicky", "Tori"), "Charlotte": ("Lottie", "Charlie"), "Olivia": ("Liv", "Livvy"),
    "Amelia": ("Millie", "Amy"), "Isabella": ("Bella", "Izzy"), "Eleanor": ("Ellie", "Nell"),
    "Margaret": ("Maggie", "Peggy"), "Jennifer": ("Jenny", "Jen"), "Natalie": ("Nat",), "Alexandra": ("Alex", "Lexi"),
    "Megan": ("Meg",), "Stephanie": ("Steph",), "Danielle": ("Dani",), "Gabriella": ("Gabby",),
    "Georgia": ("Georgie",), "Evelyn": ("Evie",), "Florence": ("Flo", "Florrie"), "Matilda": ("Tilly", "Tilda"),
    "Sophia": ("Sophie",), "Isabelle": ("Izzy",), "Penelope": ("Penny",), "Arabella": ("Bella",),
    "Hannah": ("Han",), "Bethany": ("Beth",), "Francesca": ("Fran", "Frankie"), "Harriet": ("Hattie",),
    "Nicola": ("Nicky",), "Michelle": ("Shell",), "Joanne": ("Jo",), "Beverley": ("Bev",),
}

STREETS = (
    "Oak Road", "Elm Close", "Station Road", "Warwick Road", "Stratford Road", "Lode Lane", "Hobs Moat Road",
    "Chelmsley Road", "Moorend Avenue", "Coleshill Heath Road", "Bosworth Drive", "Craig Croft", "Kingshurst Way",
    "Fordbridge Road", "Cooks Lane", "Smiths Wood Lane", "Yorkswood Drive", "Windward Way", "Alcott Lane",
    "Shirley Road", "Haslucks Green Road", "Dickens Road", "Blossomfield Road", "Streetsbrook Road",
    "Widney Lane", "Dorridge Road", "Knowle Road", "Hampton Lane", "Meriden Road", "Olton Boulevard",
    "Lyndon Road", "Castle Lane", "Marston Green Road", "Bickenhill Lane", "Elmdon Lane", "Wagon Lane",
    "Cranmore Road", "Tanworth Lane", "Monkspath Hall Road", "Creynolds Lane", "Bills Lane", "Longmore Road",
    "Union Road", "Herbert Road", "Grange Road", "Church Road", "Park Avenue", "Willow Crescent", "Birch Grove",
    "Cedar Way", "Maple Drive", "Ash Grove", "Beech Avenue", "Hawthorn Road", "Rowan Way", "Holly Lane",
    "Chestnut Close", "Linden Avenue", "Laburnum Road", "Poplar Road", "Sycamore Close", "Juniper Drive",
)

FLAT_PREFIXES = ("Flat 1", "Flat 2", "Flat 3", "Flat 4", "Flat 5", "Flat 6", "Apartment 2", "Apartment 7")

# CIN census ethnicity codes with rough shares for a West Midlands borough.
ETHNICITY = {
    "WBRI": 0.70, "WIRI": 0.01, "WOTH": 0.04, "WROM": 0.005, "MWBC": 0.04, "MWBA": 0.01, "MWAS": 0.02,
    "MOTH": 0.02, "AIND": 0.04, "APKN": 0.03, "ABAN": 0.005, "AOTH": 0.01, "BCRB": 0.015, "BAFR": 0.015,
    "BOTH": 0.005, "CHNE": 0.005, "OOTH": 0.01, "REFU": 0.005, "NOBT": 0.025,
}

ALLOCATED_TEAMS = (
    "MASH", "Assessment Team 1", "Assessment Team 2", "North Locality", "East Locality", "West Locality",
    "Children with Disabilities", "Child Protection Team", "Adolescent Team",
)
